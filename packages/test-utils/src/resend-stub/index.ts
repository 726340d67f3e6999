export type {
  RecordedResendRequest,
  ResendStub,
  ResendStubMessage,
  ResendStubRule,
  StartResendStubOptions,
} from './resend-stub-types';
export { startResendStub } from './start-resend-stub';

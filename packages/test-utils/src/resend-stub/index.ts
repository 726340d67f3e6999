export {
  type RecordedResendRequest,
  type ResendStub,
  type ResendStubMessage,
  type ResendStubRule,
  type StartResendStubOptions,
  startResendStub,
} from './start-resend-stub';

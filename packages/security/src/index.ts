export { type ApiErrorCode, type ApiErrorStatus, apiErrorStatus } from '@codex/validation';
export { ApiError, type ApiErrorOptions } from './api-error';
export {
  type BuyerAuthOptions,
  buyerAuth,
  DEFAULT_CLOCK_SKEW_SECONDS,
  type PerRequestSetting,
} from './buyer-auth';
export { clientIp } from './client-ip';
export { type CorsForWebAppOptions, corsForWebApp } from './cors-for-web-app';
export { createErrorHandler, type ErrorHandlerOptions } from './create-error-handler';
export {
  createMemoryRateLimiter,
  type MemoryRateLimiterOptions,
} from './create-memory-rate-limiter';
export type { ErrorBody } from './error-response';
export { type LimitBodyOptions, limitBody } from './limit-body';
export { notFoundHandler } from './not-found-handler';
export { parseWith, type ValidationSchema, validationError } from './parse-with';
export { type RateLimiter, type RateLimitOptions, rateLimit } from './rate-limit';
export { readJsonBody } from './read-json-body';
export { type RequestIdOptions, requestId } from './request-id';
export { type RequestLoggingOptions, requestLogging } from './request-logging';
export { type SecurityHeadersOptions, securityHeaders } from './security-headers';
export { type SignBuyerTokenOptions, signBuyerToken } from './sign-buyer-token';

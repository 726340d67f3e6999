export { isSensitiveKey } from './is-sensitive-key';
export {
  type LogContext,
  type LogEntry,
  type LogLevel,
  type LogSink,
  ObservabilityClient,
  type ObservabilityClientBindings,
  type ObservabilityClientOptions,
} from './observability-client';
export { placeholders } from './placeholders';
export { type RedactOptions, redact } from './redact';
export { redactString } from './redact-string';
export { type RedactionMarker, redactionMarkers } from './redaction-markers';
export {
  type SerializedError,
  type SerializeErrorOptions,
  serializeError,
} from './serialize-error';

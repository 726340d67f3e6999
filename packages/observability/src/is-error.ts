/**
 * Whether `value` is an `Error`, including errors from another realm (iframe, `vm` context) for
 * which `instanceof Error` is false.
 *
 * Guarantees: never throws (a revoked proxy, on which even `instanceof` throws, is not an error).
 */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false;
  }
}

/** Postgres SQLSTATE codes the services branch on. */
export const PostgresErrorCode = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  foreignKeyViolation: '23503',
  /** `ON DELETE RESTRICT` refusing a delete: Postgres 17 (PGlite) reports this, 15 reports 23503. */
  restrictViolation: '23001',
  notNullViolation: '23502',
  serializationFailure: '40001',
} as const;

export type PostgresErrorCode = (typeof PostgresErrorCode)[keyof typeof PostgresErrorCode];

export interface PostgresErrorDetails {
  /** SQLSTATE, e.g. `23505`. */
  code: string;
  /** Name of the violated constraint or index, when Postgres reports one. */
  constraint?: string;
}

/**
 * Finds the Postgres error inside whatever the driver and Drizzle threw. Drizzle wraps driver
 * errors (`DrizzleQueryError`), so the SQLSTATE sits on `error.cause`; this walks the cause chain.
 * Both transports end the chain the same way: the WebSocket Pool's `DatabaseError` and the HTTP
 * driver's `NeonDbError` (built from the endpoint's 400 answer) carry Postgres's fields as their own
 * properties. Returns `undefined` for errors that did not come from Postgres (network failures,
 * the HTTP driver's "Server error (HTTP status N)", whose `code` is absent or empty).
 */
export function getPostgresError(error: unknown): PostgresErrorDetails | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const candidate = current as Error & { code?: unknown; constraint?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        ...(typeof candidate.constraint === 'string' ? { constraint: candidate.constraint } : {}),
      };
    }
    current = candidate.cause;
  }
  return undefined;
}

/** True when `error` is a unique violation, optionally of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const details = getPostgresError(error);
  return (
    details?.code === PostgresErrorCode.uniqueViolation &&
    (constraint === undefined || details.constraint === constraint)
  );
}

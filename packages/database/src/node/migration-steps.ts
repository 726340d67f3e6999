/**
 * A migration's statements run in two parts: the ones before this marker in one transaction, the
 * ones after it (index builds and drops `CONCURRENTLY`, which Postgres refuses inside a
 * transaction) one at a time outside it. The marker is a line of its own in the `.sql` file.
 */
export const OUTSIDE_TRANSACTION_MARKER = '-- codex:outside-transaction';

/** One migration's statements, split at the marker. */
export interface MigrationParts {
  inTransaction: string[];
  outsideTransaction: string[];
}

/** Splits drizzle-kit's statements (split at `--> statement-breakpoint`) at the marker. */
export function splitMigration(statements: readonly string[]): MigrationParts {
  const parts: MigrationParts = { inTransaction: [], outsideTransaction: [] };
  let outside = false;
  for (const chunk of statements) {
    const lines = chunk.split('\n');
    const markerAt = lines.findIndex((line) => line.trim() === OUTSIDE_TRANSACTION_MARKER);
    if (markerAt >= 0) {
      pushStatement(parts.inTransaction, lines.slice(0, markerAt).join('\n'));
      outside = true;
      pushStatement(parts.outsideTransaction, lines.slice(markerAt + 1).join('\n'));
      continue;
    }
    pushStatement(outside ? parts.outsideTransaction : parts.inTransaction, chunk);
  }
  return parts;
}

function pushStatement(into: string[], text: string): void {
  if (withoutComments(text).trim() !== '') into.push(text);
}

/** The statement without `--` comment lines, for reading what it does. */
export function withoutComments(statement: string): string {
  return statement
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
}

const CREATE_CONCURRENTLY =
  /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+"([^"]+)"/i;
const IDEMPOTENT_OUTSIDE = [
  CREATE_CONCURRENTLY,
  /^\s*DROP\s+INDEX\s+CONCURRENTLY\s+IF\s+EXISTS\s+"[^"]+"/i,
  /^\s*ALTER\s+INDEX\s+IF\s+EXISTS\s+"[^"]+"\s+RENAME\s+TO\s+"[^"]+"/i,
  /^\s*ALTER\s+TABLE\s+"[^"]+"\s+VALIDATE\s+CONSTRAINT\s+"[^"]+"/i,
];

/**
 * The index a `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS "name"` builds. A build that failed
 * halfway leaves an invalid index of that name, which `IF NOT EXISTS` would then keep: the
 * migrator drops such a leftover first.
 */
export function concurrentIndexName(statement: string): string | undefined {
  return CREATE_CONCURRENTLY.exec(withoutComments(statement))?.[1];
}

/**
 * Whether an outside-the-transaction statement may run again after a crash: the next run repeats
 * every statement of a migration that was not recorded, so each must be one of the idempotent
 * forms (build if missing, drop if present, rename if present, validate a constraint).
 */
export function isIdempotentOutsideStatement(statement: string): boolean {
  const text = withoutComments(statement);
  return IDEMPOTENT_OUTSIDE.some((form) => form.test(text));
}

/** The statement with `CONCURRENTLY` removed: for an embedded database, which has one user. */
export function withoutConcurrently(statement: string): string {
  return statement.replace(/\bINDEX\s+CONCURRENTLY\b/i, 'INDEX');
}

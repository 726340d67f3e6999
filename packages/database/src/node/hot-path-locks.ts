import { withoutComments } from './migration-steps';

/**
 * The tables every hot request reads or writes (the access check, checkout, the library): a lock
 * that stops their reads, or their writes for longer than a moment, stalls the product.
 */
export const HOT_TABLES = ['content_purchases', 'content', 'stripe_customers', 'purchase_contacts'];

const hot = `"(?:public"\\.")?(${HOT_TABLES.join('|')})"`;

/**
 * What a statement run inside a migration's transaction must not do to a hot table, after the
 * lock table of https://www.postgresql.org/docs/current/explicit-locking.html: every lock a
 * transaction takes is held until it commits, so a scan or a build under it is felt for its whole
 * length. Brief catalog-only changes (a nullable column, a constant default, dropping a check)
 * stay allowed: `lock_timeout` keeps them from queueing in front of the hot path.
 */
const HAZARDS: Array<{ pattern: RegExp; why: string }> = [
  {
    pattern: new RegExp(
      `^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?!CONCURRENTLY)[^;]*?\\bON\\s+${hot}`,
      'is',
    ),
    why: 'builds an index inside the transaction (SHARE lock: every write waits for the build); build it CONCURRENTLY after the outside-transaction marker',
  },
  {
    pattern: new RegExp(
      `^\\s*DROP\\s+INDEX\\s+(?!CONCURRENTLY)(?:IF\\s+EXISTS\\s+)?"(${HOT_TABLES.join('|')})_`,
      'is',
    ),
    why: 'drops an index of the table inside the transaction (ACCESS EXCLUSIVE: every read waits until commit); drop it CONCURRENTLY after the outside-transaction marker',
  },
  {
    pattern: new RegExp(
      `^\\s*ALTER\\s+TABLE\\s+${hot}\\s+ADD\\s+CONSTRAINT\\s+"[^"]+"\\s+(?:CHECK|FOREIGN\\s+KEY|UNIQUE)(?![^;]*\\bNOT\\s+VALID\\b)`,
      'is',
    ),
    why: 'adds a constraint that checks every row under ACCESS EXCLUSIVE; add it NOT VALID, then VALIDATE CONSTRAINT after the outside-transaction marker',
  },
  {
    pattern: new RegExp(
      `^\\s*ALTER\\s+TABLE\\s+${hot}\\s+ALTER\\s+COLUMN\\s+"[^"]+"\\s+(?:SET\\s+DATA\\s+)?(?:TYPE|SET\\s+NOT\\s+NULL)`,
      'is',
    ),
    why: 'rewrites or scans the table under ACCESS EXCLUSIVE',
  },
  {
    pattern: new RegExp(
      `^\\s*ALTER\\s+TABLE\\s+${hot}\\s+ADD\\s+COLUMN[^;]*\\bDEFAULT\\s+(?:now|random|gen_random_uuid|clock_timestamp)\\s*\\(`,
      'is',
    ),
    why: 'a volatile default rewrites the table under ACCESS EXCLUSIVE',
  },
];

/** Why this in-transaction statement would stall the hot path, or undefined when it would not. */
export function hotPathLockHazard(statement: string): string | undefined {
  const text = withoutComments(statement);
  return HAZARDS.find((hazard) => hazard.pattern.test(text))?.why;
}

const CREATE_TABLE = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"(?:public"\.")?([^"]+)"/i;
const TABLE_NAMED =
  /^\s*(?:ALTER\s+TABLE|CREATE\s+(?:UNIQUE\s+)?INDEX\s+[^;]*?\bON)\s+"(?:public"\.")?([^"]+)"/is;

/**
 * The hazards of one migration's in-transaction statements, each as `statement: why`. A table
 * the same transaction creates is exempt: nobody else can see it before the commit.
 */
export function findHotPathLockHazards(inTransaction: readonly string[]): string[] {
  const created = new Set(
    inTransaction.flatMap((statement) => CREATE_TABLE.exec(withoutComments(statement))?.[1] ?? []),
  );
  return inTransaction.flatMap((statement) => {
    const text = withoutComments(statement);
    const table = TABLE_NAMED.exec(text)?.[1];
    if (table && created.has(table)) return [];
    const why = hotPathLockHazard(statement);
    return why ? [`${text.trim().split('\n')[0]?.slice(0, 140)}: ${why}`] : [];
  });
}

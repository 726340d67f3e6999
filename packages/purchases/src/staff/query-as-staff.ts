import {
  can,
  isStaffRole,
  type Queryable,
  queryRows,
  rolesAllowedSql,
  type SQL,
  type StaffAction,
  type StaffRole,
  sql,
  staffRoleSql,
} from '@codex/database';
import { PurchaseError } from '../purchase-error';

/** Who is asking: a signed-in user (the token's `sub`) acting in one organization. */
export interface StaffCaller {
  organizationId: string;
  /** The token's `sub`: who, never what (roles come from the database, decision 024). */
  userId: string;
}

/** The refusal when the caller has no role in the organization: as for one that does not exist. */
export const organizationNotFound = () => new PurchaseError('NOT_FOUND', 'Organization not found');

/** The refusal when the caller's role does not allow the action. */
export const roleForbids = () =>
  new PurchaseError('FORBIDDEN', 'Your role in this organization does not allow this');

/**
 * `statement` wrapped so that the same statement also reads the caller's role
 * (`staffRoleSql`) and runs `statement` only when that role may perform `action`
 * (`rolesAllowedSql`, as a `LIMIT 0` gate: nothing of the organization is read for anyone else).
 * The answer has one row per row of `statement`, in its order, each with `staff_role` and a true
 * `staff_row`; when `statement` is not run or returns nothing, one row with only `staff_role`
 * (possibly null) and a null `staff_row`. Read it with {@link queryAsStaff}.
 */
export function staffStatement(caller: StaffCaller, action: StaffAction, statement: SQL): SQL {
  const role = staffRoleSql(caller.organizationId, caller.userId);
  // LATERAL makes the join a nested loop over the one caller row, which emits the inner rows in
  // the order `statement` produces them: no sort on top (query-plans.test.ts reads the plan).
  // The gate is a LIMIT, not a WHERE: a Limit node whose count is 0 returns before it runs its
  // input, whatever the planner does (Postgres 15 made the WHERE a one-time filter; PGlite's
  // Postgres 17 pushed it below the scan as a per-row filter, running the statement). A NULL
  // count is no limit.
  return sql`
    SELECT caller.staff_role, page.*
    FROM (SELECT ${role} AS staff_role) AS caller
    LEFT JOIN LATERAL (
      SELECT true AS staff_row, answer.*
      FROM (${statement}) AS answer
      LIMIT CASE WHEN ${rolesAllowedSql(sql`caller.staff_role`, action)} THEN NULL ELSE 0 END
    ) AS page ON true`;
}

interface StaffColumns {
  staff_role: unknown;
  staff_row: unknown;
}

/**
 * Runs `statement` for a staff caller in ONE statement, one round trip: the caller's role is read
 * by the same statement (see {@link staffStatement}), so a member removed from
 * `organization_members` is refused on their very next request, whatever their token says.
 * Returns `statement`'s rows, in order, and the caller's role.
 *
 * @throws PurchaseError `NOT_FOUND` "Organization not found" (404) when the caller has no role in
 *   the organization (another organization's id and an unknown id alike, so ids cannot be
 *   probed); `FORBIDDEN` (403) when their role does not allow `action` (they know it exists).
 */
export async function queryAsStaff<Row extends Record<string, unknown>>(
  db: Queryable,
  caller: StaffCaller,
  action: StaffAction,
  statement: SQL,
): Promise<{ role: StaffRole; rows: Row[] }> {
  const answer = await queryRows<Row & StaffColumns>(db, staffStatement(caller, action, statement));
  const role = answer[0]?.staff_role;
  if (!isStaffRole(role)) throw organizationNotFound();
  if (!can(role, action)) throw roleForbids();
  const rows = answer
    .filter((row) => row.staff_row !== null && row.staff_row !== undefined)
    .map(({ staff_role: _role, staff_row: _row, ...rest }) => rest as unknown as Row);
  return { role, rows };
}

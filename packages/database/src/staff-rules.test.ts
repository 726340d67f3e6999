import {
  addTestMember,
  addTestOperator,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from './index';
import { organizationMemberRoles } from './schema';
import {
  can,
  rolesAllowedSql,
  type StaffAction,
  type StaffRole,
  staffActions,
  staffRoleSql,
  staffRoles,
} from './staff-rules';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.close();
});

describe('can: the one policy', () => {
  const expected: Record<StaffAction, readonly StaffRole[]> = {
    read_sales: ['member', 'admin', 'owner', 'operator'],
    refund: ['admin', 'owner', 'operator'],
    review: ['admin', 'owner', 'operator'],
    read_earnings: ['admin', 'owner', 'operator'],
    manage_payouts: ['owner', 'operator'],
  };

  it.each(staffActions.flatMap((action) => staffRoles.map((role) => [role, action] as const)))(
    '%s may %s only as the table says',
    (role, action) => {
      expect(can(role, action)).toBe(expected[action].includes(role));
    },
  );

  it.each(staffActions)('no role may never %s', (action) => {
    expect(can(undefined, action)).toBe(false);
    expect(can(null, action)).toBe(false);
  });
});

describe('staffRoleSql and rolesAllowedSql: the same policy in Postgres', () => {
  /** The role the statement reads for (organization, user), and whether SQL allows each action. */
  async function readInSql(organizationId: string, userId: string) {
    const role = staffRoleSql(organizationId, userId);
    const allowed = staffActions.map(
      (action) =>
        sql`coalesce(${rolesAllowedSql(sql`r.role`, action)}, false) AS ${sql.identifier(action)}`,
    );
    const [row] = await queryRows<Record<string, unknown>>(
      testDb.db,
      sql`SELECT r.role, ${sql.join(allowed, sql`, `)} FROM (SELECT ${role} AS role) r`,
    );
    if (!row) throw new Error('no row');
    return row;
  }

  it.each(organizationMemberRoles)(
    'a %s row is that role in its organization only, and SQL agrees with can()',
    async (role) => {
      const organization = await createTestOrganization(testDb.db);
      const other = await createTestOrganization(testDb.db);
      const user = createTestUser();
      await addTestMember(testDb.db, organization.id, user, role);

      const row = await readInSql(organization.id, user);
      expect(row.role).toBe(role);
      for (const action of staffActions) expect(row[action]).toBe(can(role, action));

      const elsewhere = await readInSql(other.id, user);
      expect(elsewhere.role).toBeNull();
      for (const action of staffActions) expect(elsewhere[action]).toBe(false);
    },
  );

  it('a platform operator is operator in every organization, even one where they are a member', async () => {
    const organization = await createTestOrganization(testDb.db);
    const other = await createTestOrganization(testDb.db);
    const user = createTestUser();
    await addTestOperator(testDb.db, user);
    await addTestMember(testDb.db, organization.id, user, 'member');

    for (const organizationId of [organization.id, other.id]) {
      const row = await readInSql(organizationId, user);
      expect(row.role).toBe('operator');
      for (const action of staffActions) expect(row[action]).toBe(can('operator', action));
    }
  });

  it('someone with no row has no role (NULL), and SQL allows nothing', async () => {
    const organization = await createTestOrganization(testDb.db);
    const row = await readInSql(organization.id, createTestUser());
    expect(row.role).toBeNull();
    for (const action of staffActions) expect(row[action]).toBe(false);
  });

  it('the table refuses an unknown role', async () => {
    const organization = await createTestOrganization(testDb.db);
    await expect(
      testDb.db.execute(
        sql`INSERT INTO organization_members (organization_id, user_id, role)
            VALUES (${organization.id}::uuid, ${createTestUser()}, 'operator')`,
      ),
    ).rejects.toMatchObject({ cause: { code: '23514' } });
  });
});

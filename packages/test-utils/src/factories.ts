import {
  type Content,
  type ContentStatus,
  content,
  type Database,
  type Organization,
  type OrganizationMemberRole,
  organizationMembers,
  organizations,
  platformOperators,
} from '@codex/database';

export interface CreateTestOrganizationOptions {
  name?: string;
}

// Web-standard `crypto` only: this module is also imported by tests inside the Workers runtime
// (through `@codex/test-utils/factories`).

/** Inserts an organization and returns the row. */
export async function createTestOrganization(
  db: Database,
  options: CreateTestOrganizationOptions = {},
): Promise<Organization> {
  const [row] = await db
    .insert(organizations)
    .values({ name: options.name ?? `Test organization ${crypto.randomUUID().slice(0, 8)}` })
    .returning();
  if (!row) throw new Error('createTestOrganization: insert returned no row');
  return row;
}

export interface CreateTestContentOptions {
  organizationId: string;
  /** Default 999 (a paid item); 0 makes it free. */
  priceCents?: number;
  /** Default `published`, the only status that can be bought. */
  status?: ContentStatus;
  /** Lower-case ISO 4217; default `usd`. */
  currency?: string;
  title?: string;
  description?: string | null;
}

/** Inserts a content item of the given organization and returns the row. */
export async function createTestContent(
  db: Database,
  options: CreateTestContentOptions,
): Promise<Content> {
  const [row] = await db
    .insert(content)
    .values({
      organizationId: options.organizationId,
      title: options.title ?? `Test content ${crypto.randomUUID().slice(0, 8)}`,
      description: options.description ?? null,
      priceCents: options.priceCents ?? 999,
      currency: options.currency ?? 'usd',
      status: options.status ?? 'published',
    })
    .returning();
  if (!row) throw new Error('createTestContent: insert returned no row');
  return row;
}

/**
 * A new customer id, shaped like an identity provider's subject (`user_<uuid>`). Customers live in
 * the identity provider, not in this database, so there is no row to write: purchases reference
 * the id directly, as they will reference a verified JWT `sub`.
 */
export function createTestUser(): string {
  return `user_${crypto.randomUUID()}`;
}

/**
 * Makes `userId` staff of the organization with `role` (an `organization_members` row; an
 * existing row's role is replaced). Staff power lives only in that table (decision 024).
 */
export async function addTestMember(
  db: Database,
  organizationId: string,
  userId: string,
  role: OrganizationMemberRole,
): Promise<void> {
  await db
    .insert(organizationMembers)
    .values({ organizationId, userId, role })
    .onConflictDoUpdate({
      target: [organizationMembers.organizationId, organizationMembers.userId],
      set: { role },
    });
}

/** Makes `userId` a platform operator (role `operator` in every organization). */
export async function addTestOperator(db: Database, userId: string): Promise<void> {
  await db
    .insert(platformOperators)
    .values({ userId, note: 'test operator' })
    .onConflictDoNothing();
}

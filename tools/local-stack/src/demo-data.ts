import { content, type Database, organizationMembers, organizations } from '@codex/database';

/** Fixed ids, so the README's and the banner's commands stay valid across runs. */
export const demoIds = {
  organization: 'c0de0000-0000-4000-8000-000000000001',
  paidContent: 'c0de0000-0000-4000-8000-000000000002',
  freeContent: 'c0de0000-0000-4000-8000-000000000003',
  draftContent: 'c0de0000-0000-4000-8000-000000000004',
} as const;

/**
 * The demo organization's owner (the staff token's `sub`): an `owner` row of
 * `organization_members`, so the `/sales` page reads and refunds as them. Their power is that row,
 * not their token (decision 024): delete it and the next request is refused.
 */
export const DEMO_STAFF_ID = 'demo-creator';

/** The demo organization's name, as seeded. */
export const demoOrganizationName = 'Codex Demo Studio';

/** The published demo items, as the demo web app's catalogue lists them. */
export const demoCatalogue = [
  {
    id: demoIds.paidContent,
    title: 'Mastering Sourdough (paid demo)',
    description: 'A four-hour course, sold for $15.00.',
    priceCents: 1_500,
    currency: 'usd',
  },
  {
    id: demoIds.freeContent,
    title: 'Starter Basics (free demo)',
    description: 'A free introduction.',
    priceCents: 0,
    currency: 'usd',
  },
] as const;

/**
 * Seeds one organization, its owner ({@link DEMO_STAFF_ID}), one paid and one free published item
 * and one draft. Idempotent: rows that exist (by id) are left as they are, so a role changed by
 * hand survives a restart.
 */
export async function seedDemoData(db: Database): Promise<void> {
  await db
    .insert(organizations)
    .values({ id: demoIds.organization, name: demoOrganizationName })
    .onConflictDoNothing();
  await db
    .insert(organizationMembers)
    .values({ organizationId: demoIds.organization, userId: DEMO_STAFF_ID, role: 'owner' })
    .onConflictDoNothing();
  await db
    .insert(content)
    .values([
      ...demoCatalogue.map((item) => ({
        ...item,
        organizationId: demoIds.organization,
        status: 'published' as const,
      })),
      {
        id: demoIds.draftContent,
        organizationId: demoIds.organization,
        title: 'Advanced Lamination (draft demo)',
        priceCents: 2_500,
        currency: 'usd',
        status: 'draft',
      },
    ])
    .onConflictDoNothing();
}

import { readMigrationFiles } from 'drizzle-orm/migrator';
import { describe, expect, it } from 'vitest';
import { findHotPathLockHazards, hotPathLockHazard } from './hot-path-locks';
import { migrationsFolder } from './migrate';
import { isIdempotentOutsideStatement, splitMigration, withoutComments } from './migration-steps';

const migrations = readMigrationFiles({ migrationsFolder });

function firstLine(statement: string): string {
  return withoutComments(statement).trim().split('\n')[0]?.slice(0, 140) ?? '';
}

describe('migrations never stall the hot path', () => {
  it('reads every committed migration', () => {
    expect(migrations.length).toBeGreaterThanOrEqual(12);
  });

  it('no statement inside a migration transaction locks a hot table for longer than a moment', () => {
    const hazards = migrations.flatMap((migration, index) =>
      findHotPathLockHazards(splitMigration(migration.sql).inTransaction).map(
        (hazard) => `migration ${index}: ${hazard}`,
      ),
    );
    expect(hazards).toEqual([]);
  });

  it('every statement outside a transaction can run again after a crash', () => {
    const unsafe = migrations.flatMap((migration, index) =>
      splitMigration(migration.sql)
        .outsideTransaction.filter((statement) => !isIdempotentOutsideStatement(statement))
        .map((statement) => `migration ${index}: ${firstLine(statement)}`),
    );
    expect(unsafe).toEqual([]);
  });

  it.each([
    ['CREATE INDEX "content_purchases_x_idx" ON "content_purchases" USING btree ("id");'],
    ['CREATE UNIQUE INDEX "content_x" ON "public"."content" ("slug");'],
    ['DROP INDEX "content_purchases_library_idx";'],
    ['ALTER TABLE "content_purchases" ADD CONSTRAINT "c" CHECK ("amount" >= 0);'],
    [
      'ALTER TABLE "content_purchases" ADD CONSTRAINT "f" FOREIGN KEY ("x") REFERENCES "public"."organizations"("id");',
    ],
    ['ALTER TABLE "content" ALTER COLUMN "title" SET NOT NULL;'],
    ['ALTER TABLE "content" ALTER COLUMN "price_cents" SET DATA TYPE bigint;'],
    ['ALTER TABLE "content_purchases" ADD COLUMN "seen_at" timestamptz DEFAULT now() NOT NULL;'],
  ])('refuses %s', (statement) => {
    expect(hotPathLockHazard(statement)).toBeDefined();
  });

  it.each([
    ['ALTER TABLE "content_purchases" ADD COLUMN "note" text;'],
    ['ALTER TABLE "content_purchases" ADD COLUMN "flag" boolean DEFAULT false NOT NULL;'],
    ['ALTER TABLE "content_purchases" ADD CONSTRAINT "c" CHECK ("amount" >= 0) NOT VALID;'],
    ['ALTER TABLE "content_purchases" DROP CONSTRAINT "c";'],
    ['CREATE INDEX "refund_requests_purchase_id_idx" ON "refund_requests" ("purchase_id");'],
    ['DROP INDEX "refund_requests_purchase_id_idx";'],
  ])('allows %s', (statement) => {
    expect(hotPathLockHazard(statement)).toBeUndefined();
  });

  it('allows anything on a table the same transaction creates, nobody else sees it yet', () => {
    const create = 'CREATE TABLE "content" ("id" uuid PRIMARY KEY);';
    const index = 'CREATE INDEX "content_x_idx" ON "content" ("id");';
    expect(findHotPathLockHazards([create, index])).toEqual([]);
    expect(findHotPathLockHazards([index])).toHaveLength(1);
  });
});

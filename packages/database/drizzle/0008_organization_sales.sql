-- codex:outside-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS "content_purchases_organization_sales_idx" ON "content_purchases" USING btree ("organization_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "content_purchases_organization_id_idx";

-- codex:outside-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS "content_purchases_organization_status_idx" ON "content_purchases" USING btree ("organization_id",(CASE
    WHEN "status" = 'failed' THEN 'failed'
    WHEN "status" = 'pending' THEN 'pending'
    WHEN "dispute_status" IN ('open', 'lost') THEN 'disputed'
    WHEN "refunded_at" IS NOT NULL THEN 'refunded'
    WHEN "amount_refunded_cents" > 0 THEN 'partially_refunded'
    ELSE 'completed'
  END),"created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);

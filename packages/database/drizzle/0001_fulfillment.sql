CREATE TABLE "fulfillment_anomalies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purchase_id" uuid,
	"stripe_object_id" text NOT NULL,
	"kind" text NOT NULL,
	"details" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "fulfillment_anomalies_kind_valid" CHECK ("fulfillment_anomalies"."kind" IN ('amount_mismatch', 'currency_mismatch', 'linkage_mismatch', 'paid_after_failure'))
);--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "last_reconciled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" ADD CONSTRAINT "fulfillment_anomalies_purchase_id_content_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."content_purchases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fulfillment_anomalies_object_kind_unique" ON "fulfillment_anomalies" USING btree ("stripe_object_id","kind");--> statement-breakpoint
CREATE INDEX "fulfillment_anomalies_purchase_id_idx" ON "fulfillment_anomalies" USING btree ("purchase_id");--> statement-breakpoint
-- codex:outside-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS "content_purchases_pending_reconcile_idx" ON "content_purchases" USING btree ("last_reconciled_at" NULLS FIRST,"created_at") WHERE "content_purchases"."status" = 'pending';

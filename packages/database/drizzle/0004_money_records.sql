CREATE TABLE "reconciliation_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE TABLE "rejected_stripe_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stripe_event_id" text,
	"event_type" text,
	"payload" jsonb NOT NULL,
	"problems" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone
);--> statement-breakpoint
CREATE TABLE "stripe_disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"purchase_id" uuid NOT NULL,
	"amount_cents" integer NOT NULL,
	"status" text NOT NULL,
	"stripe_status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_disputes_amount_cents_non_negative" CHECK ("stripe_disputes"."amount_cents" >= 0),
	CONSTRAINT "stripe_disputes_status_valid" CHECK ("stripe_disputes"."status" IN ('open', 'won', 'lost'))
);--> statement-breakpoint
CREATE TABLE "stripe_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"purchase_id" uuid NOT NULL,
	"amount_cents" integer NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_refunds_amount_cents_non_negative" CHECK ("stripe_refunds"."amount_cents" >= 0),
	CONSTRAINT "stripe_refunds_status_valid" CHECK ("stripe_refunds"."status" IN ('pending', 'requires_action', 'succeeded', 'failed', 'canceled'))
);--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" DROP CONSTRAINT "fulfillment_anomalies_kind_valid";--> statement-breakpoint
ALTER TABLE "stripe_disputes" ADD CONSTRAINT "stripe_disputes_purchase_id_content_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."content_purchases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_refunds" ADD CONSTRAINT "stripe_refunds_purchase_id_content_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."content_purchases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rejected_stripe_events_stripe_event_id_unique" ON "rejected_stripe_events" USING btree ("stripe_event_id") WHERE "rejected_stripe_events"."stripe_event_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "rejected_stripe_events_pending_replay_idx" ON "rejected_stripe_events" USING btree ("received_at") WHERE "rejected_stripe_events"."replayed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "stripe_disputes_purchase_id_idx" ON "stripe_disputes" USING btree ("purchase_id");--> statement-breakpoint
CREATE INDEX "stripe_refunds_purchase_id_idx" ON "stripe_refunds" USING btree ("purchase_id");--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" ADD CONSTRAINT "fulfillment_anomalies_kind_valid" CHECK ("fulfillment_anomalies"."kind" IN ('amount_mismatch', 'currency_mismatch', 'linkage_mismatch', 'paid_after_failure', 'duplicate_payment'));--> statement-breakpoint
-- codex:outside-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "content_purchases_one_active_per_customer_content_next" ON "content_purchases" USING btree ("customer_id","content_id") WHERE "content_purchases"."status" IN ('pending', 'completed') AND "content_purchases"."refunded_at" IS NULL AND ("content_purchases"."dispute_status" IS NULL OR "content_purchases"."dispute_status" IN ('open', 'won'));--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "content_purchases_one_active_per_customer_content";--> statement-breakpoint
ALTER INDEX IF EXISTS "content_purchases_one_active_per_customer_content_next" RENAME TO "content_purchases_one_active_per_customer_content";

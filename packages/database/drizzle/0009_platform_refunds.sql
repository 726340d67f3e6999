CREATE TABLE "refund_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"purchase_id" uuid NOT NULL,
	"requested_by" text NOT NULL,
	"amount_cents" integer,
	"reason" text NOT NULL,
	"note" text,
	"revoke_access" boolean NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"stripe_refund_id" text,
	"refunded_cents" integer,
	"stripe_refund_status" text,
	"refusal_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refund_requests_idempotency_key_length" CHECK (char_length("refund_requests"."idempotency_key") BETWEEN 1 AND 255),
	CONSTRAINT "refund_requests_amount_cents_positive" CHECK ("refund_requests"."amount_cents" IS NULL OR "refund_requests"."amount_cents" > 0),
	CONSTRAINT "refund_requests_reason_valid" CHECK ("refund_requests"."reason" IN ('requested_by_customer', 'duplicate', 'fraudulent', 'other')),
	CONSTRAINT "refund_requests_status_valid" CHECK ("refund_requests"."status" IN ('requested', 'issued', 'refused')),
	CONSTRAINT "refund_requests_issued_has_refund" CHECK (("refund_requests"."status" = 'issued') = ("refund_requests"."stripe_refund_id" IS NOT NULL)),
	CONSTRAINT "refund_requests_refused_has_code" CHECK (("refund_requests"."status" = 'refused') = ("refund_requests"."refusal_code" IS NOT NULL))
);--> statement-breakpoint
ALTER TABLE "payment_events" DROP CONSTRAINT "payment_events_kind_valid";--> statement-breakpoint
ALTER TABLE "payment_events" ALTER COLUMN "stripe_event_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "actor_id" text;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "refund_keeps_access" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stripe_refunds" ADD COLUMN "revokes_access" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "refund_requests" ADD CONSTRAINT "refund_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_requests" ADD CONSTRAINT "refund_requests_purchase_id_content_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."content_purchases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "refund_requests_organization_key_unique" ON "refund_requests" USING btree ("organization_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "refund_requests_stripe_refund_id_unique" ON "refund_requests" USING btree ("stripe_refund_id") WHERE "refund_requests"."stripe_refund_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "refund_requests_purchase_id_idx" ON "refund_requests" USING btree ("purchase_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_events_refund_issued_once" ON "payment_events" USING btree ("stripe_object_id") WHERE "payment_events"."kind" = 'refund_issued';--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_stripe_event_unless_issued" CHECK (("payment_events"."kind" = 'refund_issued') = ("payment_events"."stripe_event_id" IS NULL));--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_refund_issued_has_actor" CHECK ("payment_events"."kind" <> 'refund_issued' OR ("payment_events"."actor_id" IS NOT NULL AND "payment_events"."reason" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_kind_valid" CHECK ("payment_events"."kind" IN ('refund_issued', 'refund', 'refund_failed', 'dispute_opened', 'dispute_won', 'dispute_lost', 'dispute_funds_withdrawn', 'dispute_funds_reinstated'));--> statement-breakpoint
-- codex:outside-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "content_purchases_one_active_per_customer_content_next" ON "content_purchases" USING btree ("customer_id","content_id") WHERE "content_purchases"."status" IN ('pending', 'completed') AND NOT ("content_purchases"."refunded_at" IS NOT NULL AND NOT "content_purchases"."refund_keeps_access") AND ("content_purchases"."dispute_status" IS NULL OR "content_purchases"."dispute_status" IN ('open', 'won'));--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "content_purchases_one_active_per_customer_content";--> statement-breakpoint
ALTER INDEX IF EXISTS "content_purchases_one_active_per_customer_content_next" RENAME TO "content_purchases_one_active_per_customer_content";--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "content_purchases_library_idx_next" ON "content_purchases" USING btree ("customer_id","purchased_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE ("content_purchases"."status" = 'completed' AND NOT ("content_purchases"."refunded_at" IS NOT NULL AND NOT "content_purchases"."refund_keeps_access") AND ("content_purchases"."dispute_status" IS NULL OR "content_purchases"."dispute_status" = 'won'));--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "content_purchases_library_idx";--> statement-breakpoint
ALTER INDEX IF EXISTS "content_purchases_library_idx_next" RENAME TO "content_purchases_library_idx";

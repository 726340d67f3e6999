CREATE TABLE "payment_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purchase_id" uuid NOT NULL,
	"stripe_event_id" text NOT NULL,
	"stripe_object_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount_cents" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_events_kind_valid" CHECK ("payment_events"."kind" IN ('refund', 'refund_failed', 'dispute_opened', 'dispute_won', 'dispute_lost', 'dispute_funds_withdrawn', 'dispute_funds_reinstated'))
);--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "amount_refunded_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "dispute_status" text;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "dispute_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_purchase_id_content_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."content_purchases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_events_stripe_event_id_unique" ON "payment_events" USING btree ("stripe_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_events_refund_failed_once" ON "payment_events" USING btree ("stripe_object_id") WHERE "payment_events"."kind" = 'refund_failed';--> statement-breakpoint
CREATE INDEX "payment_events_purchase_id_idx" ON "payment_events" USING btree ("purchase_id");--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_amount_refunded_cents_non_negative" CHECK ("content_purchases"."amount_refunded_cents" >= 0) NOT VALID;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_dispute_status_valid" CHECK ("content_purchases"."dispute_status" IS NULL OR "content_purchases"."dispute_status" IN ('open', 'won', 'lost')) NOT VALID;--> statement-breakpoint
-- codex:outside-transaction
ALTER TABLE "content_purchases" VALIDATE CONSTRAINT "content_purchases_amount_refunded_cents_non_negative";--> statement-breakpoint
ALTER TABLE "content_purchases" VALIDATE CONSTRAINT "content_purchases_dispute_status_valid";

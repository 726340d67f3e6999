ALTER TABLE "rejected_stripe_events" ALTER COLUMN "payload" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "rejected_stripe_events" ADD COLUMN "raw_payload" "bytea";--> statement-breakpoint
ALTER TABLE "rejected_stripe_events" ADD CONSTRAINT "rejected_stripe_events_payload_kept" CHECK ("rejected_stripe_events"."payload" IS NOT NULL OR "rejected_stripe_events"."raw_payload" IS NOT NULL);
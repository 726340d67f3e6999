CREATE TABLE "review_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"anomaly_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"action" text NOT NULL,
	"target_purchase_id" uuid,
	"actor_id" text NOT NULL,
	"note" text,
	"status" text DEFAULT 'requested' NOT NULL,
	"stripe_refund_id" text,
	"refunded_cents" integer,
	"refusal_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "review_actions_action_valid" CHECK ("review_actions"."action" IN ('refund_payment', 'grant_at_charged', 'refund_and_close', 'dismiss')),
	CONSTRAINT "review_actions_status_valid" CHECK ("review_actions"."status" IN ('requested', 'done', 'refused')),
	CONSTRAINT "review_actions_idempotency_key_length" CHECK (char_length("review_actions"."idempotency_key") BETWEEN 1 AND 255)
);
--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" ADD COLUMN "resolution_note" text;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_anomaly_id_fulfillment_anomalies_id_fk" FOREIGN KEY ("anomaly_id") REFERENCES "public"."fulfillment_anomalies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_target_purchase_id_content_purchases_id_fk" FOREIGN KEY ("target_purchase_id") REFERENCES "public"."content_purchases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "review_actions_organization_key_unique" ON "review_actions" USING btree ("organization_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "review_actions_one_in_flight_per_anomaly" ON "review_actions" USING btree ("anomaly_id") WHERE "review_actions"."status" = 'requested';--> statement-breakpoint
CREATE INDEX "review_actions_anomaly_id_idx" ON "review_actions" USING btree ("anomaly_id");
CREATE TABLE "content" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"price_cents" integer NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "content_id_organization_id_unique" UNIQUE("id","organization_id"),
	CONSTRAINT "content_price_cents_non_negative" CHECK ("content"."price_cents" >= 0),
	CONSTRAINT "content_currency_iso_4217_lower" CHECK ("content"."currency" ~ '^[a-z]{3}$'),
	CONSTRAINT "content_status_valid" CHECK ("content"."status" IN ('draft', 'published', 'archived'))
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_purchases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" text NOT NULL,
	"content_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"price_paid_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"stripe_checkout_session_id" text,
	"stripe_payment_intent_id" text,
	"purchased_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "content_purchases_price_paid_cents_non_negative" CHECK ("content_purchases"."price_paid_cents" >= 0),
	CONSTRAINT "content_purchases_currency_iso_4217_lower" CHECK ("content_purchases"."currency" ~ '^[a-z]{3}$'),
	CONSTRAINT "content_purchases_status_valid" CHECK ("content_purchases"."status" IN ('pending', 'completed', 'failed')),
	CONSTRAINT "content_purchases_completed_has_purchased_at" CHECK ("content_purchases"."status" <> 'completed' OR "content_purchases"."purchased_at" IS NOT NULL),
	CONSTRAINT "content_purchases_customer_id_length" CHECK (char_length("content_purchases"."customer_id") BETWEEN 1 AND 255)
);
--> statement-breakpoint
CREATE TABLE "stripe_webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "content" ADD CONSTRAINT "content_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_content_organization_fk" FOREIGN KEY ("content_id","organization_id") REFERENCES "public"."content"("id","organization_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "content_organization_id_idx" ON "content" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "content_purchases_one_active_per_customer_content" ON "content_purchases" USING btree ("customer_id","content_id") WHERE "content_purchases"."status" IN ('pending', 'completed');--> statement-breakpoint
CREATE UNIQUE INDEX "content_purchases_stripe_checkout_session_id_unique" ON "content_purchases" USING btree ("stripe_checkout_session_id") WHERE "content_purchases"."stripe_checkout_session_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "content_purchases_stripe_payment_intent_id_unique" ON "content_purchases" USING btree ("stripe_payment_intent_id") WHERE "content_purchases"."stripe_payment_intent_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "content_purchases_content_id_idx" ON "content_purchases" USING btree ("content_id");--> statement-breakpoint
CREATE INDEX "content_purchases_organization_id_idx" ON "content_purchases" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "stripe_webhook_events_received_at_idx" ON "stripe_webhook_events" USING btree ("received_at");
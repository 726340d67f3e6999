CREATE TABLE "stripe_customers" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_customers_customer_id_length" CHECK (char_length("stripe_customers"."customer_id") BETWEEN 1 AND 255)
);--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "allow_promotion_codes" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "allow_fully_discounted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "tax_behavior" text;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "amount_discount_cents" integer;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "amount_tax_cents" integer;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "amount_total_cents" integer;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_tax_behavior_valid" CHECK ("content_purchases"."tax_behavior" IS NULL OR "content_purchases"."tax_behavior" IN ('exclusive', 'inclusive')) NOT VALID;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_charged_amounts_non_negative" CHECK (coalesce("content_purchases"."amount_discount_cents", 0) >= 0 AND coalesce("content_purchases"."amount_tax_cents", 0) >= 0 AND coalesce("content_purchases"."amount_total_cents", 0) >= 0) NOT VALID;--> statement-breakpoint
CREATE UNIQUE INDEX "stripe_customers_stripe_customer_id_unique" ON "stripe_customers" USING btree ("stripe_customer_id");--> statement-breakpoint
-- codex:outside-transaction
ALTER TABLE "content_purchases" VALIDATE CONSTRAINT "content_purchases_tax_behavior_valid";--> statement-breakpoint
ALTER TABLE "content_purchases" VALIDATE CONSTRAINT "content_purchases_charged_amounts_non_negative";

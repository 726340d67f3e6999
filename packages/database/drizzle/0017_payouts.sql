CREATE TABLE "payout_accounts" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"stripe_account_id" text NOT NULL,
	"transfers_active" boolean DEFAULT false NOT NULL,
	"payouts_enabled" boolean DEFAULT false NOT NULL,
	"details_submitted" boolean DEFAULT false NOT NULL,
	"requirements_due" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"disabled_reason" text,
	"synced_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_accounts_stripe_account_id_unique" UNIQUE("stripe_account_id")
);--> statement-breakpoint
CREATE TABLE "payout_reversals" (
	"id" text PRIMARY KEY NOT NULL,
	"purchase_id" uuid NOT NULL,
	"transfer_id" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_reversals_amount_positive" CHECK ("payout_reversals"."amount_cents" > 0)
);--> statement-breakpoint
CREATE TABLE "sale_payouts" (
	"purchase_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"stripe_charge_id" text,
	"stripe_fee_cents" integer,
	"transfer_id" text,
	"transferred_cents" integer DEFAULT 0 NOT NULL,
	"reversed_cents" integer DEFAULT 0 NOT NULL,
	"leased_until" timestamp with time zone,
	"steps_sent" integer DEFAULT 0 NOT NULL,
	"steps_confirmed" integer DEFAULT 0 NOT NULL,
	"uncovered_cents" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sale_payouts_transfer_id_unique" UNIQUE("transfer_id"),
	CONSTRAINT "sale_payouts_transferred_non_negative" CHECK ("sale_payouts"."transferred_cents" >= 0),
	CONSTRAINT "sale_payouts_reversed_within_transferred" CHECK ("sale_payouts"."reversed_cents" >= 0 AND "sale_payouts"."reversed_cents" <= "sale_payouts"."transferred_cents"),
	CONSTRAINT "sale_payouts_transfer_has_id" CHECK (("sale_payouts"."transfer_id" IS NULL) = ("sale_payouts"."transferred_cents" = 0)),
	CONSTRAINT "sale_payouts_uncovered_non_negative" CHECK ("sale_payouts"."uncovered_cents" >= 0)
);--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" DROP CONSTRAINT "fulfillment_anomalies_kind_valid";--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "platform_fee_basis_points" integer;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "platform_fee_fixed_cents" integer;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "platform_fee_basis_points" integer;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "platform_fee_fixed_cents" integer;--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_reversals" ADD CONSTRAINT "payout_reversals_purchase_id_sale_payouts_purchase_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."sale_payouts"("purchase_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sale_payouts" ADD CONSTRAINT "sale_payouts_purchase_id_content_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."content_purchases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sale_payouts" ADD CONSTRAINT "sale_payouts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payout_accounts_synced_at_idx" ON "payout_accounts" USING btree ("transfers_active","synced_at");--> statement-breakpoint
CREATE INDEX "payout_reversals_purchase_idx" ON "payout_reversals" USING btree ("purchase_id");--> statement-breakpoint
CREATE INDEX "sale_payouts_organization_idx" ON "sale_payouts" USING btree ("organization_id","created_at");--> statement-breakpoint
ALTER TABLE "fulfillment_anomalies" ADD CONSTRAINT "fulfillment_anomalies_kind_valid" CHECK ("fulfillment_anomalies"."kind" IN ('amount_mismatch', 'currency_mismatch', 'linkage_mismatch', 'paid_after_failure', 'duplicate_payment', 'foreign_discount', 'payout_reversal_uncovered')) NOT VALID;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_platform_fee_valid" CHECK (("organizations"."platform_fee_basis_points" IS NULL) = ("organizations"."platform_fee_fixed_cents" IS NULL) AND coalesce("organizations"."platform_fee_basis_points", 0) BETWEEN 0 AND 10000 AND coalesce("organizations"."platform_fee_fixed_cents", 0) >= 0) NOT VALID;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD CONSTRAINT "content_purchases_platform_fee_terms_valid" CHECK (("content_purchases"."platform_fee_basis_points" IS NULL) = ("content_purchases"."platform_fee_fixed_cents" IS NULL) AND coalesce("content_purchases"."platform_fee_basis_points", 0) BETWEEN 0 AND 10000 AND coalesce("content_purchases"."platform_fee_fixed_cents", 0) >= 0) NOT VALID;--> statement-breakpoint
-- codex:outside-transaction
ALTER TABLE "fulfillment_anomalies" VALIDATE CONSTRAINT "fulfillment_anomalies_kind_valid";--> statement-breakpoint
ALTER TABLE "organizations" VALIDATE CONSTRAINT "organizations_platform_fee_valid";--> statement-breakpoint
ALTER TABLE "content_purchases" VALIDATE CONSTRAINT "content_purchases_platform_fee_terms_valid";

ALTER TABLE "content_purchases" ADD COLUMN "stripe_checkout_url" text;--> statement-breakpoint
ALTER TABLE "content_purchases" ADD COLUMN "stripe_checkout_expires_at" timestamp with time zone;
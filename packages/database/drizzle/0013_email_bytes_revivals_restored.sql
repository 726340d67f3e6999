ALTER TABLE "email_outbox" DROP CONSTRAINT "email_outbox_kind_valid";--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "html_body" text;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "text_body" text;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "revivals" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_rendered_whole" CHECK (("email_outbox"."subject" IS NULL) = ("email_outbox"."html_body" IS NULL) AND ("email_outbox"."subject" IS NULL) = ("email_outbox"."text_body" IS NULL)) NOT VALID;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_revivals_non_negative" CHECK ("email_outbox"."revivals" >= 0) NOT VALID;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_kind_valid" CHECK ("email_outbox"."kind" IN ('purchase_confirmation', 'access_revoked', 'access_restored')) NOT VALID;--> statement-breakpoint
-- codex:outside-transaction
ALTER TABLE "email_outbox" VALIDATE CONSTRAINT "email_outbox_rendered_whole";--> statement-breakpoint
ALTER TABLE "email_outbox" VALIDATE CONSTRAINT "email_outbox_revivals_non_negative";--> statement-breakpoint
ALTER TABLE "email_outbox" VALIDATE CONSTRAINT "email_outbox_kind_valid";

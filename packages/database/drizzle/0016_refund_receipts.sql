ALTER TABLE "email_outbox" DROP CONSTRAINT "email_outbox_kind_valid";--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_receipt_rendered" CHECK ("email_outbox"."kind" <> 'refund_receipt' OR "email_outbox"."subject" IS NOT NULL) NOT VALID;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_kind_valid" CHECK ("email_outbox"."kind" IN ('purchase_confirmation', 'access_revoked', 'access_restored', 'refund_receipt')) NOT VALID;--> statement-breakpoint
-- codex:outside-transaction
ALTER TABLE "email_outbox" VALIDATE CONSTRAINT "email_outbox_receipt_rendered";--> statement-breakpoint
ALTER TABLE "email_outbox" VALIDATE CONSTRAINT "email_outbox_kind_valid";

CREATE TABLE "organization_members" (
	"organization_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_members_organization_id_user_id_pk" PRIMARY KEY("organization_id","user_id"),
	CONSTRAINT "organization_members_role_valid" CHECK ("organization_members"."role" IN ('owner', 'admin', 'member')),
	CONSTRAINT "organization_members_user_id_length" CHECK (char_length("organization_members"."user_id") BETWEEN 1 AND 255)
);
--> statement-breakpoint
CREATE TABLE "platform_operators" (
	"user_id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	CONSTRAINT "platform_operators_user_id_length" CHECK (char_length("platform_operators"."user_id") BETWEEN 1 AND 255)
);
--> statement-breakpoint
ALTER TABLE "organization_members" ADD CONSTRAINT "organization_members_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
CREATE TABLE "playbook_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"playbook_id" text NOT NULL,
	"base_version" integer NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"summary" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"base" jsonb NOT NULL,
	"edited" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"reason" text,
	"resulting_version" integer,
	"slack_channel" text,
	"slack_ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playbook_proposals_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "playbook_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"playbook_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"source" text NOT NULL,
	"summary" text NOT NULL,
	"approved_by" text,
	"reason" text,
	"proposal_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playbook_versions_version_uq" UNIQUE("playbook_id","version")
);
--> statement-breakpoint
ALTER TABLE "playbooks" ADD COLUMN "file_digest" text;--> statement-breakpoint
ALTER TABLE "playbook_proposals" ADD CONSTRAINT "playbook_proposals_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."playbooks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_versions" ADD CONSTRAINT "playbook_versions_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."playbooks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "playbook_proposals_playbook_idx" ON "playbook_proposals" USING btree ("playbook_id");--> statement-breakpoint
-- Playbooks stored before versions were kept: their current definition becomes their first stored version.
INSERT INTO "playbook_versions" ("playbook_id", "version", "definition", "source", "summary", "created_at")
SELECT "id", "version", "definition", 'file', 'loaded from its file', "updated_at" FROM "playbooks";

CREATE TABLE "followup_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"owner" text NOT NULL,
	"text" text NOT NULL,
	"due_on" date,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" text,
	"closed_at" timestamp with time zone,
	"external_url" text,
	"reminded_at" timestamp with time zone,
	CONSTRAINT "followup_actions_status_check" CHECK ("followup_actions"."status" in ('open', 'done'))
);
--> statement-breakpoint
ALTER TABLE "followup_actions" ADD CONSTRAINT "followup_actions_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "followup_actions_incident_idx" ON "followup_actions" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "followup_actions_open_due_idx" ON "followup_actions" USING btree ("due_on") WHERE status = 'open';
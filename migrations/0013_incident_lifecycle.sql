CREATE TABLE "incident_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"actor" text,
	"text" text NOT NULL,
	"link" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "commander_id" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "response_stage" text DEFAULT 'investigating' NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "mitigated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "detected_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "tta_seconds" integer;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "ttm_seconds" integer;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "ttr_seconds" integer;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "incident_channel_id" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "incident_channel_name" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "channel_link_ts" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "resolution_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_events_incident_idx" ON "incident_events" USING btree ("incident_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_events_dedupe_uq" ON "incident_events" USING btree ("incident_id","dedupe_key") WHERE dedupe_key is not null;
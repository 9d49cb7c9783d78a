ALTER TABLE "incidents" ADD COLUMN "diagnosis_label" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "same_incident_id" uuid;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "resolution_recorded_by" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "resolution_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_same_incident_id_incidents_id_fk" FOREIGN KEY ("same_incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;
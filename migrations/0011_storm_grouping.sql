ALTER TABLE "incidents" ADD COLUMN "parent_incident_id" uuid;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "storm_position" integer;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "storm_size" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "storm_shown" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_parent_incident_id_incidents_id_fk" FOREIGN KEY ("parent_incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incidents_storm_position_idx" ON "incidents" USING btree ("parent_incident_id","storm_position") WHERE parent_incident_id is not null;
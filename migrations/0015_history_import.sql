ALTER TABLE "incidents" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "postmortem" text;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_source_external_id_uq" ON "incidents" USING btree ("source","external_id") WHERE external_id is not null;
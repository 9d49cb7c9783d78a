CREATE TABLE "incident_error_sightings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"service" text NOT NULL,
	"template" text NOT NULL,
	"example" text NOT NULL,
	"error_group_id" text,
	"occurrences" integer NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_observed_buckets" (
	"service" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	CONSTRAINT "log_observed_buckets_pk" PRIMARY KEY("service","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "log_template_counts" (
	"template_id" bigint NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "log_template_counts_pk" PRIMARY KEY("template_id","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "log_templates" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "log_templates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"service" text NOT NULL,
	"template_hash" text NOT NULL,
	"template" text NOT NULL,
	"max_severity" smallint NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incident_error_sightings" ADD CONSTRAINT "incident_error_sightings_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "log_template_counts" ADD CONSTRAINT "log_template_counts_template_id_log_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."log_templates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_error_sightings_incident_idx" ON "incident_error_sightings" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "incident_error_sightings_service_idx" ON "incident_error_sightings" USING btree ("service","seen_at");--> statement-breakpoint
CREATE INDEX "log_observed_buckets_bucket_idx" ON "log_observed_buckets" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "log_template_counts_bucket_idx" ON "log_template_counts" USING btree ("bucket_start");--> statement-breakpoint
CREATE UNIQUE INDEX "log_templates_service_hash_uq" ON "log_templates" USING btree ("service","template_hash");--> statement-breakpoint
CREATE INDEX "log_templates_service_last_seen_idx" ON "log_templates" USING btree ("service","last_seen_at");
CREATE TABLE "analysis_confidence" (
	"analysis_id" uuid PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"playbook_id" text,
	"diagnosis_features" jsonb NOT NULL,
	"diagnosis_raw" real NOT NULL,
	"diagnosis" real NOT NULL,
	"top_match_id" uuid,
	"top_match_playbook_id" text,
	"retrieval_features" jsonb,
	"retrieval" real,
	"retrieval_mode" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "confidence_calibrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"method" text NOT NULL,
	"samples" integer NOT NULL,
	"positives" integer NOT NULL,
	"model" jsonb NOT NULL,
	"ece" real,
	"brier" real,
	"fitted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_search_terms" (
	"term" text PRIMARY KEY NOT NULL,
	"documents" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_search_totals" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"documents" bigint DEFAULT 0 NOT NULL,
	"lexemes" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "incident_search_totals_one_row" CHECK ("incident_search_totals"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "embedding_model" text DEFAULT 'local-hashing-v2';--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "error_signature" text GENERATED ALWAYS AS (incident_error_signature(coalesce(title, '') || ' ' || coalesce(summary, ''))) STORED;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(service, '') || ' ' || coalesce(policy_name, '') || ' ' || coalesce(resource_type, '')), 'B') || setweight(to_tsvector('english'::regconfig, left(coalesce(summary, ''), 20000)), 'C')) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "analysis_confidence" ADD CONSTRAINT "analysis_confidence_analysis_id_analyses_id_fk" FOREIGN KEY ("analysis_id") REFERENCES "public"."analyses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_confidence" ADD CONSTRAINT "analysis_confidence_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_confidence" ADD CONSTRAINT "analysis_confidence_top_match_id_incidents_id_fk" FOREIGN KEY ("top_match_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analysis_confidence_incident_idx" ON "analysis_confidence" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "confidence_calibrations_kind_idx" ON "confidence_calibrations" USING btree ("kind","fitted_at");--> statement-breakpoint
CREATE INDEX "incidents_policy_started_idx" ON "incidents" USING btree ("policy_name","started_at");--> statement-breakpoint
CREATE INDEX "incidents_signature_started_idx" ON "incidents" USING btree ("error_signature","started_at");--> statement-breakpoint
CREATE INDEX "incidents_search_gin" ON "incidents" USING gin ("search_vector");
CREATE TABLE "proactive_warnings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service" text NOT NULL,
	"metric" text NOT NULL,
	"kind" text NOT NULL,
	"onset_at" timestamp with time zone NOT NULL,
	"warned_at" timestamp with time zone NOT NULL,
	"minutes_to_full" double precision,
	"full_at" timestamp with time zone,
	"horizon_minutes" integer NOT NULL,
	"covers" text[] NOT NULL,
	"level" double precision NOT NULL,
	"baseline" double precision,
	"summary" text NOT NULL,
	"slack_channel" text NOT NULL,
	"slack_ts" text NOT NULL,
	"job_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"confirmed_incident_id" uuid,
	"decided_at" timestamp with time zone,
	"lead_minutes" double precision,
	"mark" text,
	"marked_by" text,
	"marked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "proactive_warnings_kind_check" CHECK ("proactive_warnings"."kind" in ('anomaly', 'saturation')),
	CONSTRAINT "proactive_warnings_status_check" CHECK ("proactive_warnings"."status" in ('open', 'confirmed', 'false_alarm')),
	CONSTRAINT "proactive_warnings_mark_check" CHECK ("proactive_warnings"."mark" is null or "proactive_warnings"."mark" in ('useful', 'not_useful')),
	CONSTRAINT "proactive_warnings_confirmed_check" CHECK (("proactive_warnings"."status" = 'confirmed') = ("proactive_warnings"."lead_minutes" is not null))
);
--> statement-breakpoint
ALTER TABLE "proactive_warnings" ADD CONSTRAINT "proactive_warnings_confirmed_incident_id_incidents_id_fk" FOREIGN KEY ("confirmed_incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "proactive_warnings_message_metric_uq" ON "proactive_warnings" USING btree ("slack_channel","slack_ts","service","metric");--> statement-breakpoint
CREATE INDEX "proactive_warnings_open_idx" ON "proactive_warnings" USING btree ("onset_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "proactive_warnings_warned_idx" ON "proactive_warnings" USING btree ("warned_at");--> statement-breakpoint
CREATE INDEX "proactive_warnings_incident_idx" ON "proactive_warnings" USING btree ("confirmed_incident_id");
CREATE TABLE "blueprint_edge_versions" (
	"edge_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"run_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"edge" jsonb NOT NULL,
	"change" jsonb
);
--> statement-breakpoint
CREATE TABLE "blueprint_edges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"from_service" text NOT NULL,
	"to_service" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"first_seen" timestamp with time zone,
	"last_seen" timestamp with time zone,
	"calls_per_hour" double precision,
	"error_rate" double precision,
	"p95_ms" double precision,
	"version" integer NOT NULL,
	"retired_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blueprint_edges_kind_check" CHECK ("blueprint_edges"."kind" in ('call', 'db', 'messaging')),
	CONSTRAINT "blueprint_edges_source_check" CHECK ("blueprint_edges"."source" in ('observed', 'declared', 'both'))
);
--> statement-breakpoint
ALTER TABLE "blueprint_edge_versions" ADD CONSTRAINT "blueprint_edge_versions_edge_id_blueprint_edges_id_fk" FOREIGN KEY ("edge_id") REFERENCES "public"."blueprint_edges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "blueprint_edge_versions_pk" ON "blueprint_edge_versions" USING btree ("edge_id","version");--> statement-breakpoint
CREATE INDEX "blueprint_edge_versions_run_idx" ON "blueprint_edge_versions" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "blueprint_edges_pair_idx" ON "blueprint_edges" USING btree ("from_service","to_service");
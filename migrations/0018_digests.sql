CREATE TABLE "digests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"channel" text NOT NULL,
	"ts" text NOT NULL,
	"figures" jsonb NOT NULL,
	"file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"charts_uploaded_at" timestamp with time zone,
	"posted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "digests_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE INDEX "digests_posted_idx" ON "digests" USING btree ("posted_at");
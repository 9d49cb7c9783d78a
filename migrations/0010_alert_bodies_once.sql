CREATE TABLE "alert_bodies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"body" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "body_id" uuid;--> statement-breakpoint
-- Hand-written: keep the payloads already stored, one body per existing alert row (same id).
INSERT INTO "alert_bodies" ("id", "body", "received_at") SELECT "id", "payload", "received_at" FROM "alerts";--> statement-breakpoint
UPDATE "alerts" SET "body_id" = "id";--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "body_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "dead_letters" ADD COLUMN "raw_body" "bytea";--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_body_id_alert_bodies_id_fk" FOREIGN KEY ("body_id") REFERENCES "public"."alert_bodies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_body_idx" ON "alerts" USING btree ("body_id");--> statement-breakpoint
ALTER TABLE "alerts" DROP COLUMN "payload";
ALTER TABLE "usage_adjustments" ADD COLUMN "applied_at" timestamp with time zone;--> statement-breakpoint
-- Rows written before this column were applied when they were written.
UPDATE "usage_adjustments" SET "applied_at" = "created_at";
-- The plan catalogue (src/billing/schema.ts `plans`): Free, Pro, Business. Inserted by a migration, not the
-- dev seed, so production and tests have the same plans; prices in cents, limits per calendar month.
-- Change plans later with a new migration (or in the admin), then `syncPlansToStripe` (docs/billing.md).
INSERT INTO "plans" ("id", "name", "blurb", "highlights", "sort_order", "recommended", "monthly_price", "yearly_price", "storage_bytes", "file_count", "uploads_per_month", "api_requests_per_month") VALUES
  ('free', 'Free', 'For trying things out', '["100 MB of file storage", "200 uploads a month", "1,000 API requests a month", "Community support"]'::jsonb, 0, false, 0, 0, 104857600, 100, 200, 1000),
  ('pro', 'Pro', 'For a growing product', '["10 GB of file storage", "5,000 uploads a month", "50,000 API requests a month", "Email support"]'::jsonb, 1, true, 1900, 19000, 10737418240, 10000, 5000, 50000),
  ('business', 'Business', 'For teams', '["100 GB of file storage", "50,000 uploads a month", "500,000 API requests a month", "Priority support"]'::jsonb, 2, false, 9900, 99000, 107374182400, 100000, 50000, 500000)
ON CONFLICT ("id") DO NOTHING;

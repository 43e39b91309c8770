-- One byte unit everywhere (issue 20): the catalogue's storage limits are binary (104857600 = 100 × 1024²),
-- which every other page prints as MiB/GiB through formatBytes (src/platform/format.ts), but the pricing
-- cards' highlights said "100 MB". Only the exact bullets 0006 inserted change, so a catalogue a project
-- has edited keeps its own words.
UPDATE "plans" SET
  "highlights" = replace(replace(replace("highlights"::text,
    '"100 MB of file storage"', '"100 MiB of file storage"'),
    '"10 GB of file storage"', '"10 GiB of file storage"'),
    '"100 GB of file storage"', '"100 GiB of file storage"')::jsonb,
  "updated_at" = now()
WHERE "highlights"::text ~ '"(100 MB|10 GB|100 GB) of file storage"';

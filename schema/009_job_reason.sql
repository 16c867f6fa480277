-- A failed job's reason code ("no_transcript", "llm_auth", "lease_expired",
-- ...) in a column of its own, beside last_error (the line a person reads):
-- scripts and `tubedigest jobs` group and filter on it without parsing
-- messages. NULL for a job that never failed.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS reason text;

-- GET /api/metrics reports the newest ingest (last_ingest_at, last_ingest_video):
-- the newest transcript, read through this index instead of a scan.
CREATE INDEX IF NOT EXISTS transcripts_newest ON transcripts (created_at DESC);

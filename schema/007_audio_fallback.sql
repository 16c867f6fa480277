-- Audio spoken by a fallback engine (TTS_FALLBACK) says so.
-- {from, to, reason}: the engine that was asked, the one that spoke, and why
-- the first failed; NULL when the planned engine spoke. GET /api/reports shows
-- it as the variant's `fallback`.
ALTER TABLE audio ADD COLUMN IF NOT EXISTS fallback jsonb;

-- The map step of a long transcript runs once per video, not once
-- per variant. Each row is one chunk's notes (libs/summarize/notes.h), found
-- by `key`: the sha256 of the model, the filled chunk-notes prompts (chunk
-- text, title, language) and the token budget, so equal requests share one
-- answer and any change (a new prompt version, another model, an edited
-- transcript) asks again. Every variant and reprocess of the video reads
-- them; the summarize workers of all replicas share them, and one makes a
-- key's notes while the others wait (an advisory lock on the key).
-- A refreshed transcript with different text drops its video's notes
-- (store::upsert_transcript); deleting the video drops them with it.
CREATE TABLE chunk_notes (
  video_id       text        NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  key            text        NOT NULL,
  level          int         NOT NULL,  -- 0: notes on the transcript; 1, 2: notes on notes
  part           int         NOT NULL,
  parts          int         NOT NULL,
  model          text        NOT NULL,  -- the model that answered
  prompt_version text        NOT NULL,  -- "chunk-notes.v2"
  notes          text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (video_id, key)
);

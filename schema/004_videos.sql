-- Videos and what tubedigest makes of them. Every row hangs off videos(id),
-- so deleting a video (DELETE /api/reports/yt:<id>) removes all of it.

-- One row per video, keyed by the canonical 'yt:<11-char id>'.
-- `metadata` holds the VideoMetadata JSON (libs/youtube); title, channel and
-- duration are copied out for listing and search.
CREATE TABLE videos (
  id                 text PRIMARY KEY CHECK (id ~ '^yt:[A-Za-z0-9_-]{11}$'),
  url                text        NOT NULL,
  title              text,
  channel            text,
  duration_s         double precision,
  metadata           jsonb       NOT NULL DEFAULT '{}',
  metadata_missing   boolean     NOT NULL DEFAULT false,
  -- The variants the user asked for (most recent request first merged in),
  -- which decide when a report is "synced".
  requested_variants text[]      NOT NULL DEFAULT '{}',
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- GET /api/reports: newest first, keyset pagination on (created_at, id).
CREATE INDEX videos_newest ON videos (created_at DESC, id DESC);

CREATE TABLE transcripts (
  video_id   text PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
  language   text,
  source     text NOT NULL CHECK (source IN ('manual', 'auto', 'user')),
  text       text NOT NULL,
  segments   jsonb NOT NULL DEFAULT '[]',  -- [{"start_ms": 0, "text": "..."}]
  word_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every revision of every variant; the highest revision is current.
-- job_id makes writes idempotent: a job that runs twice (its lease was lost
-- after it stored) finds its row and stores nothing new.
CREATE TABLE summaries (
  id             bigserial PRIMARY KEY,
  video_id       text    NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  variant        text    NOT NULL,
  revision       integer NOT NULL,
  text           text    NOT NULL,
  language       text,
  word_count     integer NOT NULL DEFAULT 0,
  provider       text    NOT NULL,
  model          text,
  prompt_version text,
  guardrail      jsonb   NOT NULL DEFAULT '{}',
  job_id         bigint UNIQUE,
  reprocess_id   bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (video_id, variant, revision)
);

-- MP3s of audio variants. Bytes live here (store = 'postgres', so any gateway
-- on any host can serve them) or in AUDIO_DIR (store = 'dir', path set).
-- script_hash = sha256 of (script, engine, voice, rate): a matching row can be
-- reused instead of synthesizing again.
CREATE TABLE audio (
  id               bigserial PRIMARY KEY,
  video_id         text    NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  variant          text    NOT NULL,
  summary_revision integer NOT NULL,
  script_hash      text    NOT NULL,
  engine           text    NOT NULL,
  voice            text,
  rate             text,
  duration_s       double precision NOT NULL,
  bytes            bigint  NOT NULL,
  sha256           text    NOT NULL,
  store            text    NOT NULL CHECK (store IN ('postgres', 'dir')),
  path             text,
  data             bytea,
  reused_from      bigint,
  job_id           bigint UNIQUE,
  reprocess_id     bigint,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audio_current ON audio (video_id, variant, id DESC);
CREATE INDEX audio_by_hash ON audio (video_id, script_hash);

-- Metadata fetched from YouTube, kept METADATA_CACHE_TTL so a second request
-- for the same video makes no outside call.
CREATE TABLE metadata_cache (
  video_id   text PRIMARY KEY,
  metadata   jsonb       NOT NULL,
  source     text        NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now()
);

-- Cluster-wide pauses shared by every replica: 'youtube' when YouTube
-- throttles us (HTTP 429, "confirm you're not a bot"), 'youtube-api-quota'
-- when the Data API quota is spent.
CREATE TABLE pauses (
  name         text PRIMARY KEY,
  paused_until timestamptz NOT NULL,
  reason       text        NOT NULL,
  hits         integer     NOT NULL DEFAULT 1,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- POST /api/reprocess requests. While one is pending for a video with the same
-- variants and audio flag, the same request returns it (already_scheduled).
CREATE TABLE reprocess_requests (
  id               bigserial PRIMARY KEY,
  video_id         text    NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  variants         text[]  NOT NULL,
  regenerate_audio boolean NOT NULL,
  request_key      text    NOT NULL,
  job_ids          bigint[] NOT NULL DEFAULT '{}',
  status           text    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'complete', 'error')),
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE UNIQUE INDEX reprocess_pending ON reprocess_requests (request_key) WHERE status = 'pending';

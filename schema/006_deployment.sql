-- What a deployment needs to know about itself across hosts and replicas.

-- Versions of outside tools each process runs with (yt-dlp for ingest).
-- A process writes its row at start and after every update check, with an
-- expiry a little past its next check; a process that stopped drops out by
-- itself (as metric_gauges do). `tubedigest jobs` and GET /api/metrics read it.
CREATE TABLE IF NOT EXISTS tool_versions (
  tool       text        NOT NULL,
  owner      text        NOT NULL,  -- worker id: host:pid
  version    text        NOT NULL,
  path       text        NOT NULL DEFAULT '',
  checked_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tool, owner)
);

-- Facts of the whole deployment, one row each. `audio_dir_id` is the
-- identity of the AUDIO_DIR that every service must share: the first process
-- with AUDIO_DIR set writes it here and into a marker file in the directory;
-- a later process whose AUDIO_DIR lacks that marker is looking at another
-- folder (say, a container's private one) and refuses to start
-- (libs/store/audio_dir.h).
CREATE TABLE IF NOT EXISTS deployment_facts (
  name       text PRIMARY KEY,
  value      text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

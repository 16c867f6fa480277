-- The job queue. Every stage (ingest, summarize, tts) is a `kind`; workers
-- claim rows with FOR UPDATE SKIP LOCKED (libs/queue/queue.cpp).
--
-- Life of a job:
--   queued --claim--> running --complete--> done
--                        |---fail, attempts left--> failed --(run_at passes)--> claimable again
--                        |---fail, permanent or out of attempts--> dead
--                        |---lease expires (worker lost)--> queued (rescue)
--   queued/failed/running --cancel--> cancelled
-- `failed` is a job waiting for its retry; `dead` gave up for good and keeps
-- its last error for `tubedigest jobs`.
--
-- payload is text, not jsonb: anything may enqueue (a script, psql), and a
-- payload that is not valid JSON must reach a worker and fail permanently
-- with a clear error rather than be rejected somewhere nobody looks.
CREATE TABLE jobs (
  id               bigserial PRIMARY KEY,
  kind             text        NOT NULL,
  payload          text        NOT NULL DEFAULT '{}',
  status           text        NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'done', 'failed', 'dead', 'cancelled')),
  priority         integer     NOT NULL DEFAULT 100,   -- lower runs first
  run_at           timestamptz NOT NULL DEFAULT now(),
  attempts         integer     NOT NULL DEFAULT 0,     -- claims so far, counted at claim time
  max_attempts     integer     NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  lease_owner      text,
  lease_expires_at timestamptz,
  last_error       text,
  dedup_key        text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz
);

-- The claim query reads only this index: claimable rows of one kind in claim
-- order. It is partial, so it holds only the (few) waiting jobs however many
-- finished rows pile up in the table during their retention period, and a
-- claim stays an index range scan of the first few entries.
CREATE INDEX jobs_claimable ON jobs (kind, priority, run_at, id)
  WHERE status IN ('queued', 'failed');

-- Rescue looks for running jobs whose lease has expired.
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at)
  WHERE status = 'running';

-- Pruning deletes finished jobs oldest first in small batches.
CREATE INDEX jobs_finished ON jobs (finished_at)
  WHERE status IN ('done', 'dead', 'cancelled');

-- Dedup: at most one pending (queued, running or waiting for retry) job per
-- key. Enqueue uses ON CONFLICT on this index and returns the existing id.
CREATE UNIQUE INDEX jobs_dedup_pending ON jobs (dedup_key)
  WHERE dedup_key IS NOT NULL AND status IN ('queued', 'running', 'failed');

-- Dead jobs per kind for `tubedigest jobs` and /api/metrics. (Queued and
-- running counts come from the two partial indexes above; done jobs are
-- never counted by scanning.)
CREATE INDEX jobs_dead ON jobs (kind, finished_at)
  WHERE status = 'dead';

-- What a job is about (e.g. 'yt:dQw4w9WgXcQ'), so a report can show the
-- state of its video's jobs. Optional; indexed only where set.
ALTER TABLE jobs ADD COLUMN subject text;
CREATE INDEX jobs_subject ON jobs (subject, id) WHERE subject IS NOT NULL;

-- Alerts: the state of every alert the evaluator has seen, kept
-- here and nowhere else, so a restarted or newly elected evaluator neither
-- fires an alert again nor forgets one that is firing (libs/alerts/state.h).
--
-- Life of an alert (one row per fingerprint: alertname + sorted labels):
--   (none) --rule holds--> firing --rule no longer holds--> resolved
--   resolved --rule holds again--> firing (a new incident: new starts_at)
-- last_notified_at is when a notification for the current incident was last
-- handed on; NULL until the first one.
CREATE TABLE alerts (
  fingerprint      text        PRIMARY KEY,
  alertname        text        NOT NULL,
  labels           jsonb       NOT NULL DEFAULT '{}',
  annotations      jsonb       NOT NULL DEFAULT '{}',
  status           text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  starts_at        timestamptz NOT NULL DEFAULT now(),
  ends_at          timestamptz,
  last_notified_at timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Listing (GET /api/alerts, `tubedigest alerts`): firing ones, and the ones
-- resolved recently, newest first.
CREATE INDEX alerts_status_updated ON alerts (status, updated_at DESC);

-- Leases for jobs that exactly one process of the deployment may do at a
-- time (the alert evaluator: name 'alerts'). A holder renews before
-- expires_at; once that passes (the holder died) anyone may take it over.
-- Times are the database's, so hosts' clocks do not matter.
CREATE TABLE leader_leases (
  name       text        PRIMARY KEY,
  holder     text        NOT NULL,
  expires_at timestamptz NOT NULL
);

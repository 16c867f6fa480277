-- Counters and latency histograms shared by every replica, surviving
-- restarts (libs/metrics). Each writer adds to one of 16 shard rows chosen
-- by its backend pid, so concurrent writers rarely wait on the same row; a
-- snapshot sums the shards, which keeps the totals exact.
CREATE TABLE metric_counters (
  name  text    NOT NULL,
  shard integer NOT NULL,
  value bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (name, shard)
);

-- Fixed buckets (upper bounds in libs/metrics/metrics.cpp); each bucket row
-- keeps its count, the sum and the maximum of the values it counted.
CREATE TABLE metric_histograms (
  name    text    NOT NULL,
  shard   integer NOT NULL,
  bucket  integer NOT NULL,
  count   bigint  NOT NULL DEFAULT 0,
  sum     double precision NOT NULL DEFAULT 0,
  max     double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (name, shard, bucket)
);

-- Gauges owned by one process each (e.g. open SSE clients of one gateway).
-- The value of a gauge is the sum over owners seen within their TTL, so a
-- replica that died stops counting by itself.
CREATE TABLE metric_gauges (
  name       text        NOT NULL,
  owner      text        NOT NULL,
  value      double precision NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (name, owner)
);

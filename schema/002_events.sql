-- The events outbox. A state change and its event commit in one transaction
-- (libs/events). Readers (the gateway's SSE stream) deliver events in id
-- order and resume by id, so they must never pass an id whose transaction
-- has not finished yet: a lower id can commit after a higher one.
--
-- How readers stay exact (see libs/events/outbox.h for the whole account):
-- a writer takes the advisory lock below in SHARE mode, in the same
-- transaction, before it draws an id; the lock is held until it commits or
-- aborts. A reader takes the same lock in EXCLUSIVE mode for an instant and
-- reads the sequence's last value: every id up to that value belongs to a
-- transaction that has already ended, so the reader may deliver up to it and
-- no further. Writers never block each other.
CREATE TABLE events (
  id         bigserial PRIMARY KEY,
  type       text        NOT NULL,
  video_id   text,
  data       jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_created ON events (created_at);

-- td_emit_event: the writer side. Takes the shared outbox lock, then inserts,
-- then NOTIFYs 'td_events' with the new id (NOTIFY is delivered at commit).
CREATE FUNCTION td_emit_event(p_type text, p_video_id text, p_data jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  new_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(7346251);
  INSERT INTO events (type, video_id, data) VALUES (p_type, p_video_id, coalesce(p_data, '{}'))
    RETURNING id INTO new_id;
  PERFORM pg_notify('td_events', new_id::text);
  RETURN new_id;
END $$;

-- td_events_settled: the reader side. The highest id such that every event
-- with an id at or below it has committed or rolled back.
CREATE FUNCTION td_events_settled() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
  called boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(7346251);
  SELECT last_value, is_called INTO v, called FROM events_id_seq;
  IF NOT called THEN
    RETURN 0;
  END IF;
  RETURN v;
END $$;

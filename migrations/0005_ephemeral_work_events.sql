-- Every transition of every item, so "why is this stuck / why did it fail" is always answerable.
CREATE TABLE ephemeral_work_events (
    id          BIGSERIAL PRIMARY KEY,
    work_id     UUID        NOT NULL REFERENCES ephemeral_work (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    from_status VARCHAR(50),
    to_status   VARCHAR(50) NOT NULL,
    agent_id    UUID,
    attempt     INTEGER     NOT NULL,
    retry_count INTEGER     NOT NULL,
    reason      VARCHAR(255),
    message     TEXT
);
CREATE INDEX ephemeral_work_events_work ON ephemeral_work_events (work_id, id);

-- Events and notifications come from the database itself: whichever statement changes an item's
-- status (or asks to cancel it), its event row and its NOTIFY are written in the same transaction,
-- so no code path can forget either, and every broker replica LISTENing hears every transition.
-- The terminal transition also drops the item's target rows (DESIGN.md section 3).
CREATE FUNCTION ephemeral_work_after_change() RETURNS trigger AS $$
DECLARE
  from_status VARCHAR(50);
  event_id    BIGINT;
  note        TEXT;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.status = OLD.status AND NEW.cancel_requested = OLD.cancel_requested THEN
      RETURN NULL;
    END IF;
    from_status := OLD.status;
  END IF;
  note := NEW.result_message;
  IF TG_OP = 'UPDATE' AND NEW.status = OLD.status THEN
    note := 'cancel requested';
  END IF;
  INSERT INTO ephemeral_work_events (work_id, from_status, to_status, agent_id, attempt, retry_count, reason, message)
  VALUES (NEW.id, from_status, NEW.status, NEW.claimed_by, NEW.attempt, NEW.retry_count,
          CASE WHEN NEW.status IN ('PENDING', 'CLAIMED') THEN NULL ELSE NEW.failure_reason END, note)
  RETURNING id INTO event_id;
  IF NEW.status IN ('COMPLETED', 'FAILED_PERMANENT', 'CANCELED') THEN
    DELETE FROM ephemeral_work_targets WHERE work_id = NEW.id;
  END IF;
  -- The deadlines ride along (milliseconds since the epoch, with the database's now()), so a
  -- work-item actor can arm its timers from the notice without reading the row again.
  PERFORM pg_notify('brokkr_work', json_build_object(
      'id', NEW.id, 'status', NEW.status, 'attempt', NEW.attempt, 'event_id', event_id,
      'cancel_requested', NEW.cancel_requested, 'claimed_by', NEW.claimed_by,
      'lease_ms', (extract(epoch FROM NEW.lease_expires_at) * 1000)::bigint,
      'deadline_ms', (extract(epoch FROM NEW.claim_deadline) * 1000)::bigint,
      'retry_ms', (extract(epoch FROM NEW.next_retry_after) * 1000)::bigint,
      'now_ms', (extract(epoch FROM clock_timestamp()) * 1000)::bigint)::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ephemeral_work_after_change AFTER INSERT OR UPDATE ON ephemeral_work
    FOR EACH ROW EXECUTE FUNCTION ephemeral_work_after_change();

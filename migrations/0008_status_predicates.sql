-- The status rules every statement shares, written once. The row predicates are SQL functions of one
-- expression without sub-selects, so the planner inlines them: a statement that calls them is planned
-- as if it had the expression written out, and partial indexes whose predicate calls the same
-- function still match.

-- Terminal items never change status again (actors/work_status.hpp is_terminal).
CREATE FUNCTION ephemeral_work_is_terminal(p_status TEXT) RETURNS boolean AS $$
  SELECT p_status IN ('COMPLETED', 'FAILED_PERMANENT', 'CANCELED')
$$ LANGUAGE sql IMMUTABLE;

-- Live: not terminal (PENDING, CLAIMED, FAILED_RETRYABLE); status is NOT NULL.
CREATE FUNCTION ephemeral_work_is_live(p_status TEXT) RETURNS boolean AS $$
  SELECT NOT ephemeral_work_is_terminal(p_status)
$$ LANGUAGE sql IMMUTABLE;

-- Whether an item's own state lets it be claimed now: PENDING, or FAILED_RETRYABLE with its backoff
-- over. Whether the claimer may take it is the two functions below and the caller's target join.
-- No sub-select here on purpose: a SQL function with one is not inlined, and then the planner sees
-- an opaque call per row instead of the status conditions (every target row of the agent, finished
-- ones included, paid for a function call: 0.6 s per claim-next once an agent had thousands of rows).
CREATE FUNCTION ephemeral_work_claimable(p_status TEXT, p_next_retry_after TIMESTAMPTZ) RETURNS boolean AS $$
  SELECT p_status = 'PENDING' OR (p_status = 'FAILED_RETRYABLE' AND p_next_retry_after <= now())
$$ LANGUAGE sql STABLE;

-- Whether an agent may claim at all: registered, ACTIVE, not deleted. Statements call it as an
-- uncorrelated sub-select, `(SELECT ephemeral_work_agent_may_claim($1))`, which PostgreSQL runs once
-- per statement rather than once per candidate row.
CREATE FUNCTION ephemeral_work_agent_may_claim(p_agent_id UUID) RETURNS boolean AS $$
  SELECT EXISTS (SELECT 1 FROM agents a WHERE a.id = p_agent_id AND a.status = 'ACTIVE' AND a.deleted_at IS NULL)
$$ LANGUAGE sql STABLE;

-- The index of live items, on the function rather than a copy of the list.
DROP INDEX ephemeral_work_non_terminal;
CREATE INDEX ephemeral_work_non_terminal ON ephemeral_work (id)
    WHERE ephemeral_work_is_live(status) AND deleted_at IS NULL;

-- A claim is one assignment, `SET status = 'CLAIMED', claimed_by = <agent>`; the rest of what a
-- claim writes (the attempt, the lease and deadline from the item's own settings, clearing the
-- previous attempt's outcome) follows here, for every statement that claims. Triggers of one event
-- fire in name order, so this one runs before ephemeral_work_before_update (0004).
CREATE FUNCTION ephemeral_work_before_claim() RETURNS trigger AS $$
BEGIN
  NEW.claimed_at       := now();
  NEW.attempt          := OLD.attempt + 1;
  NEW.lease_expires_at := now() + make_interval(secs => NEW.lease_seconds);
  NEW.claim_deadline   := now() + make_interval(secs => NEW.claim_timeout_seconds);
  NEW.next_retry_after := NULL;
  NEW.failure_reason   := NULL;
  NEW.result_message   := NULL;
  NEW.result_details   := NULL;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ephemeral_work_before_claim BEFORE UPDATE ON ephemeral_work
    FOR EACH ROW WHEN (NEW.status = 'CLAIMED' AND OLD.status <> 'CLAIMED')
    EXECUTE FUNCTION ephemeral_work_before_claim();

-- Seed use case 2: after a failure, "a different agent claims" the retry. The agent whose attempt
-- failed (claimed_by is kept through FAILED_RETRYABLE) is held back from the retry for
-- p_hold_seconds after the backoff ends, but only while another ACTIVE agent is a target too: an
-- item with one possible agent is never delayed, and an item whose other targets are all offline
-- waits at most the hold.
CREATE FUNCTION ephemeral_work_retry_held(p_work_id UUID, p_status TEXT, p_claimed_by UUID,
                                          p_next_retry_after TIMESTAMPTZ, p_agent_id UUID,
                                          p_hold_seconds INT) RETURNS boolean AS $$
  SELECT p_status = 'FAILED_RETRYABLE' AND p_hold_seconds > 0 AND p_claimed_by = p_agent_id
     AND now() < p_next_retry_after + make_interval(secs => p_hold_seconds)
     AND EXISTS (SELECT 1 FROM ephemeral_work_targets t JOIN agents a ON a.id = t.agent_id
                 WHERE t.work_id = p_work_id AND t.agent_id <> p_agent_id
                   AND a.status = 'ACTIVE' AND a.deleted_at IS NULL)
$$ LANGUAGE sql STABLE;

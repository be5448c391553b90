-- Issue 13, the claim's reads (ADR 0072): the index of targets by agent carries the item's id, so
-- that claim-next and pending read an agent's targets from the index alone.
--
-- A target row lives from its item's submit to its item's terminal transition, and every delete
-- leaves an index entry behind until VACUUM. A bitmap scan visits each such entry's heap page and
-- never marks the entry dead, so an agent's claims read every target row it ever had since the
-- last VACUUM: 15,000-22,000 entries per claim in the bench without --vacuum. An index-only scan
-- marks the entries of deleted rows dead as it meets them, and btree removes them when a page
-- fills, so the index stays near the size of what is live. The key is still the seed's (agent_id);
-- work_id is carried, not a key. The table keeps as many indexes as before.
--
-- The table holds only live items' targets; the build holds its SHARE lock (writes wait) that long.
DROP INDEX idx_ephemeral_work_targets_agent;
CREATE INDEX idx_ephemeral_work_targets_agent ON ephemeral_work_targets (agent_id) INCLUDE (work_id);

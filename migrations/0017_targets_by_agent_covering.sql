-- Issue 13, the claim's reads (ADR 0072): the index of targets by agent carries the item's id, so
-- that claim-next and pending can read an agent's targets with an index-only scan.
--
-- A target row lives from its item's submit to its item's terminal transition, and every delete
-- leaves an index entry behind until VACUUM or until a scan marks it dead. A bitmap scan visits
-- each such entry's heap page and marks nothing; an index-only scan marks the entries of deleted
-- rows dead as it meets them (it visits the heap for pages not all-visible), and btree removes
-- marked entries when a page fills. The key is still the seed's (agent_id); work_id is carried,
-- not a key. The table keeps as many indexes as before.
--
-- The DROP comes first, so the migration takes the table's ACCESS EXCLUSIVE lock once and holds it
-- through the build to its commit: reads and writes of targets wait that long (the table holds only
-- live items' targets). Building first under SHARE would let reads go on, but upgrading to ACCESS
-- EXCLUSIVE for the drop could deadlock with a completion that read the targets before the build
-- and deletes them after it.
DROP INDEX idx_ephemeral_work_targets_agent;
CREATE INDEX idx_ephemeral_work_targets_agent ON ephemeral_work_targets (agent_id) INCLUDE (work_id);

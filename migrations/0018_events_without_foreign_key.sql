-- Issue 13, the lifecycle's cost (ADR 0074): an item's events go with it by a trigger, not by a
-- foreign key.
--
-- Every transition writes one event row (0005, 0012), and the foreign key from the event to its
-- item made each of those inserts check that the item exists: a nested query that locks the item's
-- row FOR KEY SHARE, three per lifecycle. Counted by valgrind on the PostgreSQL backend of one client
-- (scripts/bench --instructions), the three cost about 490,000 instructions per lifecycle, a tenth
-- of all the backend ran. The check can never fail: the event is written by the trigger of the very row
-- it names, in the transaction that just wrote that row and still holds its lock.
--
-- What the key still did is delete an item's history with the item (ON DELETE CASCADE). That is
-- kept by a statement trigger, for every statement that deletes items (the purge, and a purge of a
-- broker that still runs the previous release): one set-based delete of the events of all the
-- items the statement removed. Only deletes fire it; a transition pays nothing for it. TRUNCATE
-- fires no delete trigger, so a truncate trigger empties the events with the items.
--
-- One thing the key did that nothing does now: an item inserted and deleted in the same transaction
-- would leave its PENDING event (the insert's event comes from a deferred trigger, at commit, after
-- the delete's). No code path deletes an item it has just submitted; the purge only removes items
-- soft-deleted long before.

ALTER TABLE ephemeral_work_events DROP CONSTRAINT ephemeral_work_events_work_id_fkey;

CREATE FUNCTION ephemeral_work_after_delete() RETURNS trigger AS $$
BEGIN
  DELETE FROM ephemeral_work_events e USING gone g WHERE e.work_id = g.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ephemeral_work_after_delete AFTER DELETE ON ephemeral_work
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION ephemeral_work_after_delete();

CREATE FUNCTION ephemeral_work_after_truncate() RETURNS trigger AS $$
BEGIN
  TRUNCATE ephemeral_work_events;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ephemeral_work_after_truncate AFTER TRUNCATE ON ephemeral_work
    FOR EACH STATEMENT EXECUTE FUNCTION ephemeral_work_after_truncate();

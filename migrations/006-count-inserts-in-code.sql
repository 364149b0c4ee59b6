-- An inserted invitation is counted by its inserter (src/invitations/table.ts, RowInserter), in the same
-- transaction, not by a trigger: a statement that fires a trigger writes a statement journal (a copy of every
-- page it changes), which was a fifth of an insert's cost. Updates and deletes keep their triggers (002).
DROP TRIGGER invitations_count_insert;

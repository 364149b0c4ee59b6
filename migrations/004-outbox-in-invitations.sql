-- The outbox moves into the invitation row. Every email was written with its invitation (a create or a seed
-- entry with notify), and every field of it but its own id was the invitation's: the address, template,
-- redirect_url and created_at, and a url the outbox rebuilt from the ticket. The email's id is kept in
-- email_id (NULL: nothing was sent), so a create writes one row instead of two, and one small index
-- instead of a second table's five B-trees (about a sixth of a create's CPU, see BENCHMARKS.md).
-- No email outlives its invitation (delete and reset removed both in one transaction), so every row of
-- emails finds its invitation here.
ALTER TABLE invitations ADD COLUMN email_id TEXT;

-- Touching email_id is not a change a list page shows: keep the list versions as they are.
DROP TRIGGER invitations_version_touch;
UPDATE invitations SET email_id = (
  SELECT e.id FROM emails e WHERE e.instance_id = invitations.instance_id AND e.invitation_id = invitations.id ORDER BY e.seq LIMIT 1
) WHERE id IN (SELECT invitation_id FROM emails);
CREATE TRIGGER invitations_version_touch AFTER UPDATE ON invitations
  WHEN OLD.instance_id IS NEW.instance_id AND OLD.status IS NEW.status AND OLD.expires_at IS NEW.expires_at BEGIN
  UPDATE invitation_counts SET changes = changes + 1 WHERE instance_id = NEW.instance_id AND status = NEW.status;
END;

DROP TABLE emails;

-- The outbox's order, newest first: created_at, then the row's seq (the index ends in it).
CREATE INDEX invitations_outbox ON invitations (instance_id, created_at) WHERE email_id IS NOT NULL;

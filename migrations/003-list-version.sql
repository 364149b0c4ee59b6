-- The sum of an instance's `changes` is its list version: a cached list page is served while it is
-- unchanged (src/invitations/list/freshness.ts). The count triggers bump it for inserts, deletes and moves
-- between statuses; this one bumps it for every other update of a row (updated_at, metadata...), so that
-- no write can leave a stale page. It never fires for a status change, which the count trigger counts.
CREATE TRIGGER invitations_version_touch AFTER UPDATE ON invitations
  WHEN OLD.instance_id IS NEW.instance_id AND OLD.status IS NEW.status AND OLD.expires_at IS NEW.expires_at BEGIN
  UPDATE invitation_counts SET changes = changes + 1 WHERE instance_id = NEW.instance_id AND status = NEW.status;
END;

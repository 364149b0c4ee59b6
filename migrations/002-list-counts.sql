-- total_count without a scan: per-instance, per-stored-status counts, kept by triggers inside the writing
-- transaction. "expired" is not a stored status: the store counts it with an index range on expires_at
-- and may reuse that count while `changes` (bumped by every write to the status's rows) stays the same.
CREATE TABLE invitation_counts (
  instance_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  changes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (instance_id, status)
);

INSERT INTO invitation_counts (instance_id, status, n)
  SELECT instance_id, status, count(*) FROM invitations GROUP BY instance_id, status;

CREATE TRIGGER invitations_count_insert AFTER INSERT ON invitations BEGIN
  INSERT INTO invitation_counts (instance_id, status, n, changes) VALUES (NEW.instance_id, NEW.status, 1, 1)
    ON CONFLICT (instance_id, status) DO UPDATE SET n = n + 1, changes = changes + 1;
END;

CREATE TRIGGER invitations_count_delete AFTER DELETE ON invitations BEGIN
  UPDATE invitation_counts SET n = n - 1, changes = changes + 1 WHERE instance_id = OLD.instance_id AND status = OLD.status;
END;

CREATE TRIGGER invitations_count_update AFTER UPDATE OF instance_id, status, expires_at ON invitations
  WHEN OLD.instance_id IS NOT NEW.instance_id OR OLD.status IS NOT NEW.status OR OLD.expires_at IS NOT NEW.expires_at BEGIN
  UPDATE invitation_counts SET n = n - 1, changes = changes + 1 WHERE instance_id = OLD.instance_id AND status = OLD.status;
  INSERT INTO invitation_counts (instance_id, status, n, changes) VALUES (NEW.instance_id, NEW.status, 1, 1)
    ON CONFLICT (instance_id, status) DO UPDATE SET n = n + 1, changes = changes + 1;
END;

-- The list filters (stored status, and expires_at for pending vs expired) are read from the index itself,
-- so rows skipped by a filter or by OFFSET never cost a table lookup.
DROP INDEX invitations_created;
DROP INDEX invitations_email;
DROP INDEX invitations_expires;
DROP INDEX invitations_status_created;
DROP INDEX invitations_status_email;
DROP INDEX invitations_status_expires;
CREATE INDEX invitations_created ON invitations (instance_id, created_at, id, status, expires_at);
CREATE INDEX invitations_email ON invitations (instance_id, email_address, id, status, expires_at);
CREATE INDEX invitations_expires ON invitations (instance_id, expires_at, id, status);
CREATE INDEX invitations_status_created ON invitations (instance_id, status, created_at, id, expires_at);
CREATE INDEX invitations_status_email ON invitations (instance_id, status, email_address, id, expires_at);
CREATE INDEX invitations_status_expires ON invitations (instance_id, status, expires_at, id);

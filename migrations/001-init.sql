-- Instances are keyed by the SHA-256 digest of their secret key; the key itself is never stored.
CREATE TABLE instances (
  id INTEGER PRIMARY KEY,
  key_digest BLOB NOT NULL UNIQUE,
  clock_offset_ms INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- status holds what was stored; "expired" is derived at read time from expires_at and the instance clock.
CREATE TABLE invitations (
  seq INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  id TEXT NOT NULL UNIQUE,
  email_address TEXT NOT NULL,
  public_metadata TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'revoked')),
  redirect_url TEXT,
  template_slug TEXT NOT NULL,
  notify INTEGER NOT NULL,
  ticket TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- One index per list order, with and without a status filter, each ending in id for stable ties.
CREATE INDEX invitations_created ON invitations (instance_id, created_at, id);
CREATE INDEX invitations_email ON invitations (instance_id, email_address, id);
CREATE INDEX invitations_expires ON invitations (instance_id, expires_at, id);
CREATE INDEX invitations_status_created ON invitations (instance_id, status, created_at, id);
CREATE INDEX invitations_status_email ON invitations (instance_id, status, email_address, id);
CREATE INDEX invitations_status_expires ON invitations (instance_id, status, expires_at, id);

CREATE TABLE users (
  seq INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  id TEXT NOT NULL UNIQUE,
  email_address TEXT NOT NULL,
  public_metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (instance_id, email_address)
);

CREATE TABLE emails (
  seq INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  id TEXT NOT NULL UNIQUE,
  to_email_address TEXT NOT NULL,
  template_slug TEXT NOT NULL,
  invitation_id TEXT NOT NULL,
  url TEXT NOT NULL,
  redirect_url TEXT,
  created_at INTEGER NOT NULL
);

CREATE INDEX emails_instance ON emails (instance_id, created_at, seq);
CREATE INDEX emails_to ON emails (instance_id, to_email_address, created_at, seq);
CREATE INDEX emails_invitation ON emails (invitation_id);

-- Webhooks (contract §11). Each instance gets the stable `ins_` id its events carry; instances made before this
-- migration get 27 random hex digits (new ones a KSUID, src/db/instances.ts).
ALTER TABLE instances ADD COLUMN public_id TEXT;
UPDATE instances SET public_id = 'ins_' || substr(lower(hex(randomblob(14))), 1, 27) WHERE public_id IS NULL;
CREATE UNIQUE INDEX instances_public_id ON instances (public_id);

-- How many endpoints the instance has, kept by the triggers below in the writing transaction: read with the
-- instance on every request, so a create of an instance without endpoints does no webhook SQL at all.
ALTER TABLE instances ADD COLUMN webhook_endpoints INTEGER NOT NULL DEFAULT 0;

CREATE TABLE webhook_endpoints (
  seq INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  id TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_instance ON webhook_endpoints (instance_id, seq);

CREATE TRIGGER webhook_endpoints_count_insert AFTER INSERT ON webhook_endpoints BEGIN
  UPDATE instances SET webhook_endpoints = webhook_endpoints + 1 WHERE id = NEW.instance_id;
END;
CREATE TRIGGER webhook_endpoints_count_delete AFTER DELETE ON webhook_endpoints BEGIN
  UPDATE instances SET webhook_endpoints = webhook_endpoints - 1 WHERE id = OLD.instance_id;
END;

-- One row per event and endpoint. A retry is due at due_real (real ms) or due_clock (instance-clock ms),
-- whichever comes first; lease_until (real ms) is set by the process sending the attempt, so no other takes it.
CREATE TABLE webhook_messages (
  seq INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  id TEXT NOT NULL UNIQUE,
  endpoint_id TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts TEXT NOT NULL DEFAULT '[]',
  due_real INTEGER,
  due_clock INTEGER,
  lease_until INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhook_messages_instance ON webhook_messages (instance_id, seq);
CREATE INDEX webhook_messages_pending ON webhook_messages (due_real) WHERE status = 'pending';

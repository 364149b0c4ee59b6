import { DAY_MS } from '../src/clock.js';
import { digestKey } from '../src/db/instances.js';
import { closeDatabase, openDatabase } from '../src/db/open.js';
import { type InvitationRow, newRow, RowInserter } from '../src/invitations/table.js';

/**
 * One row of a realistic instance: mostly pending, 5% accepted, 5% revoked, 1% expired, created 10 ms
 * apart up to now. Emails are user<i>@example<i % 97>.com, so `query=` substrings match a handful.
 */
export function syntheticRow(i: number, rows: number, now: number): InvitationRow {
  const created = now - (rows - i) * 10;
  return newRow({
    email_address: `user${i}@example${i % 97}.com`,
    public_metadata: {},
    status: i % 20 === 7 ? 'accepted' : i % 20 === 13 ? 'revoked' : 'pending',
    redirect_url: null,
    template_slug: 'invitation',
    notify: false,
    created_at: created,
    expires_at: i % 100 === 42 ? created + 1 : created + 30 * DAY_MS,
  });
}

export const isLivePending = (i: number): boolean => i % 20 !== 7 && i % 20 !== 13 && i % 100 !== 42;

/**
 * Fills a database file straight through SQL, before the server starts: `rows` invitations for each
 * key's instance. Returns, per key, ids of live pending invitations (for revoke), at most `keepIds`.
 */
export function fillDatabase(path: string, keys: string[], rows: number, keepIds: number): Map<string, string[]> {
  const db = openDatabase(path);
  const now = Date.now();
  const ids = new Map<string, string[]>();
  try {
    const instance = db.prepare('INSERT INTO instances (key_digest, created_at) VALUES (?, ?)');
    const insert = new RowInserter(db);
    const perKey = Math.ceil(keepIds / keys.length);
    for (const key of keys) {
      const kept: string[] = [];
      db.transaction(() => {
        const instanceId = Number(instance.run(digestKey(key), now).lastInsertRowid);
        for (let i = 0; i < rows; i++) {
          const row = syntheticRow(i, rows, now);
          insert.run(instanceId, row);
          if (kept.length < perKey && isLivePending(i)) kept.push(row.id);
        }
      })();
      ids.set(key, kept);
    }
  } finally {
    closeDatabase(db);
  }
  return ids;
}

/** Fills a running server's instance through the bulk API (the only way into :memory:). */
export async function fillThroughApi(url: string, key: string, rows: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows) {
      const from = next;
      next += 10;
      const body = Array.from({ length: Math.min(10, rows - from) }, (_, k) => ({
        email_address: `user${from + k}-${tag}@example${(from + k) % 97}.com`,
        notify: false,
      }));
      const res = await fetch(`${url}/v1/invitations/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`bulk fill failed: ${res.status} ${await res.text()}`);
      for (const inv of (await res.json()) as { id: string }[]) ids.push(inv.id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

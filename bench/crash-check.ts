import Database from 'better-sqlite3';

/** One request the driver sent, and the invitations it got back if the server answered 200. */
export interface Sent {
  key: string;
  bulk: boolean;
  items: { email_address: string }[];
  answer: { id: string; email_address: string }[] | undefined;
}

export interface Outcome {
  requests_sent: number;
  acknowledged_requests: number;
  acknowledged_invitations: number;
  unanswered_requests: number;
  unanswered_but_stored: number;
  unanswered_not_stored: number;
  bulks_sent: number;
  invitations_stored: number;
  emails_stored: number;
  webhooks_expected: number;
  webhooks_received: number;
  webhooks_redelivered_after_a_kill: number;
  failures: string[];
}

async function listAll(url: string, key: string): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let offset = 0; ; offset += 500) {
    const res = await fetch(
      `${url}/v1/invitations?status=pending&status=accepted&status=revoked&status=expired&paginated=true&limit=500&offset=${offset}`,
      {
        headers: { authorization: `Bearer ${key}` },
      },
    );
    const page = (await res.json()) as { data: Record<string, unknown>[]; total_count: number };
    for (const inv of page.data) found.set(inv['id'] as string, inv);
    if (offset + 500 >= page.total_count) return found;
  }
}

/** Through the restarted server: every acknowledged invitation is there, unchanged; every request landed whole or not at all. */
export async function checkApi(url: string, keys: string[], sent: Sent[], outcome: Outcome): Promise<void> {
  const stored = new Map(await Promise.all(keys.map(async (k) => [k, await listAll(url, k)] as const)));
  for (const s of sent) {
    const mine = stored.get(s.key)!;
    const byEmail = new Map([...mine.values()].map((inv) => [inv['email_address'] as string, inv]));
    const present = s.items.filter((i) => byEmail.has(i.email_address)).length;
    if (present !== 0 && present !== s.items.length) {
      outcome.failures.push(`a ${s.bulk ? 'bulk' : 'create'} of ${s.items.length} left ${present} rows: half-written`);
    }
    if (s.answer) {
      outcome.acknowledged_requests++;
      for (const inv of s.answer) {
        outcome.acknowledged_invitations++;
        const now = mine.get(inv.id);
        if (!now) outcome.failures.push(`acknowledged ${inv.id} (${inv.email_address}) is missing`);
        else if (JSON.stringify(now) !== JSON.stringify(inv))
          outcome.failures.push(`acknowledged ${inv.id} changed: ${JSON.stringify(inv)} -> ${JSON.stringify(now)}`);
      }
    } else {
      outcome.unanswered_requests++;
      if (present > 0) outcome.unanswered_but_stored++;
      else outcome.unanswered_not_stored++;
    }
  }
  const emailsSent = new Map(
    keys.map((k) => [k, new Set(sent.filter((s) => s.key === k).flatMap((s) => s.items.map((i) => i.email_address)))]),
  );
  for (const [key, invitations] of stored) {
    for (const inv of invitations.values()) {
      if (!emailsSent.get(key)!.has(inv['email_address'] as string))
        outcome.failures.push(`${inv['id']} was never asked for by ${key.slice(0, 12)}…`);
    }
  }
}

/** On the file itself, after a clean stop: integrity, and an outbox that matches each invitation's notify. */
export function checkFile(file: string, outcome: Outcome): void {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') outcome.failures.push(`integrity_check: ${String(integrity)}`);
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    outcome.invitations_stored = count('SELECT count(*) FROM invitations');
    // The outbox is the invitations sent (migration 004): an email_id exactly where notify is on, each its own.
    outcome.emails_stored = count('SELECT count(*) FROM invitations WHERE email_id IS NOT NULL');
    const outboxGaps = count('SELECT count(*) FROM invitations WHERE (email_id IS NOT NULL) <> (notify = 1)');
    if (outboxGaps > 0) outcome.failures.push(`${outboxGaps} invitations whose outbox does not match notify`);
    const repeated = count('SELECT count(email_id) - count(DISTINCT email_id) FROM invitations');
    if (repeated > 0) outcome.failures.push(`${repeated} outbox messages sharing an id`);
    // Every email's webhook message was written in the email's own transaction (WEBHOOK_URL was set throughout).
    const messages = count("SELECT count(*) FROM webhook_messages WHERE type = 'email.created'");
    if (messages !== outcome.emails_stored)
      outcome.failures.push(`${outcome.emails_stored} emails but ${messages} email.created messages`);
    const undelivered = count("SELECT count(*) FROM webhook_messages WHERE status <> 'delivered'");
    if (undelivered > 0) outcome.failures.push(`${undelivered} webhook messages not delivered at the end`);
  } finally {
    db.close();
  }
}

export const emptyOutcome = (sent: Sent[]): Outcome => ({
  requests_sent: sent.length,
  acknowledged_requests: 0,
  acknowledged_invitations: 0,
  unanswered_requests: 0,
  unanswered_but_stored: 0,
  unanswered_not_stored: 0,
  bulks_sent: sent.filter((s) => s.bulk).length,
  invitations_stored: 0,
  emails_stored: 0,
  webhooks_expected: 0,
  webhooks_received: 0,
  webhooks_redelivered_after_a_kill: 0,
  failures: [],
});

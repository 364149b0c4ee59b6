import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { instanceNow } from '../../src/clock.js';
import { digestKey } from '../../src/db/instances.js';
import { build, KEY, OTHER_KEY } from '../helper.js';
import type { IdPick } from './arbitraries.js';

/** An app whose two keys each own invitations, topped up as the fuzz revokes and deletes them. */
export interface Fixture {
  app: FastifyInstance;
  /** The path segment for a picked id (own, another key's, or junk). */
  id(pick: IdPick): string;
  /** A ticket for the link: a pending or used one of either key, or junk. */
  ticket(pick: IdPick): string;
  /** Keeps at least a few pending invitations for KEY, so revoke, delete and accept keep reaching success. */
  topUp(): void;
}

export async function fixture(t: Test): Promise<Fixture> {
  const app = await build(t);
  // No webhook is sent: an attempt recorded in the background would change the database under a request's check.
  await app.webhooks.worker.stop();
  const instance = (key: string) => app.instances.resolve(digestKey(key), Date.now());
  const own = instance(KEY);
  const other = instance(OTHER_KEY);
  const idsOf = app.db.prepare('SELECT id FROM invitations WHERE instance_id = ? ORDER BY seq').pluck();
  const ticketsOf = app.db
    .prepare(`SELECT ticket FROM invitations WHERE instance_id = ? ORDER BY status = 'pending' DESC, seq DESC`)
    .pluck();
  const pendingOf = app.db
    .prepare(`SELECT count(*) FROM invitations WHERE instance_id = ? AND status = 'pending' AND expires_at > ?`)
    .pluck();
  // The fuzz moves the instance clock, so "pending" and new invitations follow it.
  const now = (key: string) => instanceNow(instance(key));
  let made = 0;
  const add = (key: string, n: number) => {
    const { id: instanceId } = instance(key);
    for (let i = 0; i < n; i++) {
      app.invitations.create(instanceId, now(key), {
        email_address: `fixture-${made++}@example.net`,
        public_metadata: { n: made },
        redirect_url: made % 3 === 0 ? 'https://app.example.com/welcome?x=1' : null,
        notify: made % 2 === 0,
        ignore_existing: false,
        expires_in_days: 30,
        template_slug: 'invitation',
      });
    }
  };
  add(OTHER_KEY, 5);
  const topUp = () => {
    if ((pendingOf.get(own.id, now(KEY)) as number) < 5) add(KEY, 20);
  };
  topUp();
  return {
    app,
    topUp,
    id(pick) {
      if (pick.kind === 'raw') return pick.raw;
      const ids = idsOf.all(pick.kind === 'own' ? own.id : other.id) as string[];
      return ids.length === 0 ? 'inv_none' : ids[pick.n % ids.length]!;
    },
    ticket(pick) {
      if (pick.kind === 'raw') return pick.raw;
      const tickets = ticketsOf.all(pick.kind === 'own' ? own.id : other.id) as string[];
      return tickets.length === 0 ? 'none' : tickets[pick.n % Math.min(tickets.length, 10)]!;
    },
  };
}

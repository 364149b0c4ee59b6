import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import type { EndpointStore } from './webhooks-endpoints.js';
import type { MessageStore } from './webhooks-messages.js';

export interface ResetCounts {
  invitations: number;
  users: number;
  emails: number;
  clock_reset: boolean;
  webhook_endpoints: number;
  webhook_messages: number;
}

/**
 * Empties one instance (invitations, users, outbox, clock offset, webhook endpoints and messages; WEBHOOK_URL's
 * endpoint stays) in one transaction; others untouched.
 */
export class ResetStore {
  private readonly statements: Record<'invitations' | 'users' | 'emails' | 'clock', Statement>;

  /** The webhook stores of the app (Webhooks), whose statements are prepared once. */
  constructor(
    private readonly db: DB,
    private readonly webhooks: { endpoints: EndpointStore; messages: MessageStore },
  ) {
    this.statements = {
      // The outbox is the invitations sent (their email_id): counted before they go.
      emails: db.prepare('SELECT count(*) FROM invitations WHERE instance_id = ? AND email_id IS NOT NULL').pluck(),
      invitations: db.prepare('DELETE FROM invitations WHERE instance_id = ?'),
      users: db.prepare('DELETE FROM users WHERE instance_id = ?'),
      clock: db.prepare('UPDATE instances SET clock_offset_ms = 0 WHERE id = ? AND clock_offset_ms <> 0'),
    };
  }

  reset(instanceId: number): ResetCounts {
    return immediateWriter(this.db)(() => {
      const emails = this.statements.emails.get(instanceId) as number;
      return {
        invitations: this.statements.invitations.run(instanceId).changes,
        users: this.statements.users.run(instanceId).changes,
        emails,
        clock_reset: this.statements.clock.run(instanceId).changes > 0,
        webhook_endpoints: this.webhooks.endpoints.clear(instanceId),
        webhook_messages: this.webhooks.messages.clear(instanceId),
      };
    });
  }
}

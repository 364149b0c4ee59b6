import type { Statement } from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import { realNow } from '../clock.js';
import type { InstanceState } from '../db/instances.js';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import { ticketUrl } from '../invitations/model.js';
import { EMAIL_SELECT, type EmailRow, type InvitationRow } from '../invitations/table.js';
import type { UserRow } from './users-store.js';
import { configEndpoint, type Endpoint, EndpointStore, type EventType } from './webhooks-endpoints.js';
import { emailData, eventJson, userData } from './webhooks-events.js';
import { MessageStore } from './webhooks-messages.js';
import { WebhookWorker } from './webhooks-worker.js';

export interface WebhookSettings {
  url: string | undefined;
  secret: string;
}

/**
 * The events of contract §11. Each is queued in the transaction of the write that causes it (so an
 * acknowledged write never loses its event) and sent by the worker after the commit. An instance listens
 * when WEBHOOK_URL is set or its row counts an endpoint; that count is read with the instance on every
 * request and, like the clock offset, read again after any commit by any process (InstanceStore.byId), so
 * an instance without endpoints costs a create no webhook SQL at all.
 */
export class Webhooks {
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
  readonly worker: WebhookWorker;
  /** WEBHOOK_URL's endpoint, which every instance has. */
  readonly fromConfig: Endpoint | undefined;
  private readonly emailOf: Statement;
  private readonly publicIdOf: Statement;

  constructor(
    private readonly db: DB,
    settings: WebhookSettings,
    private readonly baseUrl: () => string,
    log: FastifyBaseLogger,
  ) {
    this.endpoints = new EndpointStore(db);
    this.messages = new MessageStore(db);
    this.fromConfig = settings.url === undefined ? undefined : configEndpoint(settings.url, settings.secret, realNow());
    this.emailOf = db.prepare(`SELECT ${EMAIL_SELECT} FROM invitations WHERE instance_id = ? AND id = ?`);
    this.publicIdOf = db.prepare('SELECT public_id FROM instances WHERE id = ?').pluck();
    this.worker = new WebhookWorker(this.messages, (instance, id) => this.endpoint(instance, id), log);
  }

  /** An endpoint of the instance, WEBHOOK_URL's included. */
  endpoint(instanceId: number, id: string): Endpoint | undefined {
    return this.fromConfig?.id === id ? this.fromConfig : this.endpoints.get(instanceId, id);
  }

  /**
   * Removes one of the instance's own endpoints and, in the same transaction, makes its pending messages due now,
   * so the sender fails them at once ("endpoint deleted") instead of at their next scheduled attempt.
   */
  deleteEndpoint(instanceId: number, id: string): boolean {
    const deleted = immediateWriter(this.db)(() => {
      if (!this.endpoints.delete(instanceId, id)) return false;
      this.messages.endpointDeleted(instanceId, id, realNow());
      return true;
    });
    if (deleted) this.worker.wake();
    return deleted;
  }

  /** Every endpoint of the instance, WEBHOOK_URL's first. */
  list(instanceId: number): Endpoint[] {
    return [...(this.fromConfig ? [this.fromConfig] : []), ...this.endpoints.list(instanceId)];
  }

  /** email.created for each row that sent an email; inside the creating transaction. */
  emailsCreated(instance: InstanceState, rows: InvitationRow[], now: number): void {
    if (this.fromConfig === undefined && instance.webhookEndpoints === 0) return;
    const targets = this.targets(instance.id, 'email.created');
    if (targets.length === 0) return;
    for (const row of rows) {
      if (!row.notify) continue;
      const email = this.emailOf.get(instance.id, row.id) as EmailRow;
      const data = emailData({ ...email, url: ticketUrl(this.baseUrl(), email.ticket) }, this.baseUrl());
      this.queue(instance.id, targets, 'email.created', eventJson('email.created', data, now, instance.publicId), now);
    }
  }

  /** user.created for the user an accepted invitation made; inside the accepting transaction. */
  userCreated(instanceId: number, user: UserRow, now: number): void {
    const targets = this.targets(instanceId, 'user.created');
    if (targets.length === 0) return;
    const publicId = this.publicIdOf.get(instanceId) as string;
    this.queue(instanceId, targets, 'user.created', eventJson('user.created', userData(user), now, publicId), now);
  }

  private targets(instanceId: number, type: EventType): string[] {
    return this.list(instanceId)
      .filter((e) => e.events.includes(type))
      .map((e) => e.id);
  }

  private queue(instanceId: number, targets: string[], type: EventType, payload: string, now: number): void {
    this.messages.enqueue(instanceId, targets, type, payload, now, realNow());
    // A timer, not a call: it runs after the caller's transaction has committed.
    this.worker.wake();
  }
}

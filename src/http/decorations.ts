// What buildApp adds to Fastify's types: the app's decorations and the routes' config (docs.ts adds routeList).
import type { FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import type { InstanceState, InstanceStore } from '../db/instances.js';
import type { DB } from '../db/open.js';
import type { FaultStore } from '../emulator/faults-store.js';
import type { JournalStore } from '../emulator/journal-store.js';
import type { RateLimits } from '../emulator/rate-limits-store.js';
import type { Webhooks } from '../emulator/webhooks.js';
import type { InvitationStore } from '../invitations/store.js';
import type { KnownPath } from './replies.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: DB;
    instances: InstanceStore;
    invitations: InvitationStore;
    /** Every instance's request journal (src/emulator/journal-store.ts). */
    journal: JournalStore;
    /** Records a request whose connection a fault closed with no answer (the journal's status 0). */
    journalClosed: (request: FastifyRequest, reply: FastifyReply) => void;
    /** Each instance's rate-limit profile and windows (http/rate-limit.ts). */
    rateLimits: RateLimits;
    /** Each instance's injected faults (/_emulator/faults), in memory. */
    faults: FaultStore;
    /** Webhook endpoints, messages and their sender (contract §11). */
    webhooks: Webhooks;
    /** Base of invitation links; set from the listening address when PUBLIC_URL is not configured. */
    publicUrl: string;
    /** The methods a raw path is served with and whether it needs no key; no methods for an unknown path (replies.ts). */
    knownPath: (path: string) => KnownPath;
  }
  interface FastifyRequest {
    instance: InstanceState;
    /** Set when the rate limiter refused the request. */
    rateLimited: boolean;
    /** The fault that answered or altered the request. */
    faultId: string | null;
    /** A JSON body's text as received, for the request journal. */
    bodyText: string | null;
    /** The reply's payload as sent, for the request journal. */
    sentPayload: unknown;
  }
  interface FastifyContextConfig {
    /** No bearer key needed (health, the ticket link, docs). */
    public?: boolean;
  }
}

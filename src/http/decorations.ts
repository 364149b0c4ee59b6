// What buildApp adds to Fastify's types: the app's decorations and the routes' config (docs.ts adds routeList).
import type { Config } from '../config.js';
import type { InstanceState, InstanceStore } from '../db/instances.js';
import type { DB } from '../db/open.js';
import type { FaultStore } from '../emulator/faults-store.js';
import type { InvitationStore } from '../invitations/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: DB;
    instances: InstanceStore;
    invitations: InvitationStore;
    /** Each instance's injected faults (/_emulator/faults), in memory. */
    faults: FaultStore;
    /** Base of invitation links; set from the listening address when PUBLIC_URL is not configured. */
    publicUrl: string;
    /** The methods served at a raw path, HEAD aside; none for an unknown path (replies.ts). */
    allowedMethods: (path: string) => string[];
    /** Whether a route that needs no key serves this path (its other methods answer 405 without a key). */
    openPath: (path: string) => boolean;
  }
  interface FastifyRequest {
    instance: InstanceState;
    /** The fault that answered or altered this request, if any (read by the request journal). */
    faultId: string | null;
  }
  interface FastifyContextConfig {
    /** No bearer key needed (health, the ticket link, docs). */
    public?: boolean;
  }
}

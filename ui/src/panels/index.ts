import type { Panel } from '../panel.js';
import clock from './clock.js';
import faults from './faults.js';
import invitations from './invitations.js';
import journal from './journal.js';
import outbox from './outbox.js';
import rateLimits from './rate-limits.js';
import users from './users.js';
import webhooks from './webhooks.js';

/** The page's panels, in page order. A control feature's panel is one module here. */
export const PANELS: Panel[] = [invitations, outbox, users, clock, rateLimits, faults, webhooks, journal];

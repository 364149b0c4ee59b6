import { readFileSync } from 'node:fs';
import { DAY_MS, instanceNow, realNow } from '../clock.js';
import type { Config } from '../config.js';
import { digestKey, InstanceStore } from '../db/instances.js';
import { closeDatabase, type DB } from '../db/open.js';
import { UserStore } from '../emulator/users-store.js';
import { valueAt } from '../fields.js';
import { DEFAULT_EXPIRES_IN_DAYS } from '../invitations/model.js';
import { type InvitationRow, newRow } from '../invitations/table.js';
import { describeIssue, type SeedFile, type SeedInvitation, seedFile } from './schema.js';
import { SeedStore } from './store.js';

/** A seed file that cannot be loaded; start-up stops with this one line. */
export class SeedError extends Error {
  constructor(file: string, problem: string) {
    super(`SEED_FILE ${file}: ${problem}`);
    this.name = 'SeedError';
  }
}

export interface SeedCounts {
  instances: number;
  users: number;
  invitations: number;
  skipped: number;
}

/** Reads and validates the file: every problem names the file and the entry. */
export function parseSeedFile(file: string, lockedKeys: string[]): SeedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SeedError(
      file,
      `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SeedError(file, `is not valid JSON (${(err as Error).message})`);
  }
  const parsed = seedFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SeedError(file, describeIssue(issue, valueAt(data, issue.path)));
  }
  if (lockedKeys.length > 0) {
    const n = parsed.data.instances.findIndex((i) => !lockedKeys.includes(i.secret_key));
    if (n !== -1)
      throw new SeedError(
        file,
        `instances[${n}].secret_key: is not one of the configured secret keys (CLERK_SECRET_KEYS / --secret-key)`,
      );
  }
  return parsed.data;
}

function toRow(inv: SeedInvitation, now: number): InvitationRow {
  const created = inv.created_at ?? now;
  return newRow({
    id: inv.id,
    email_address: inv.email_address,
    public_metadata: inv.public_metadata,
    status: inv.status,
    redirect_url: inv.redirect_url ?? null,
    template_slug: inv.template_slug,
    notify: inv.notify,
    created_at: created,
    expires_at: inv.expires_at ?? created + (inv.expires_in_days ?? DEFAULT_EXPIRES_IN_DAYS) * DAY_MS,
    updated_at: inv.updated_at,
  });
}

/**
 * Loads a parsed seed in one transaction, idempotently: a user is skipped when its email already is a
 * user of the instance; an invitation when its id exists, or (without an id) when the instance has one
 * for the same email and created_at (any one for that email, when created_at is not given).
 */
export function applySeed(db: DB, seed: SeedFile, file: string): SeedCounts {
  const instances = new InstanceStore(db);
  const users = new UserStore(db);
  const store = new SeedStore(db);
  const counts: SeedCounts = { instances: seed.instances.length, users: 0, invitations: 0, skipped: 0 };
  store.transaction(() => {
    seed.instances.forEach((entry, n) => {
      const instance = instances.resolve(digestKey(entry.secret_key), realNow());
      const now = instanceNow(instance);
      for (const u of entry.users) {
        if (users.findByEmail(instance.id, u.email_address)) {
          counts.skipped++;
          continue;
        }
        users.insert(instance.id, u.email_address, u.public_metadata, u.created_at ?? now);
        counts.users++;
      }
      for (const [i, inv] of entry.invitations.entries()) {
        if (inv.id !== undefined) {
          const owner = store.instanceOf(inv.id);
          if (owner !== undefined && owner !== instance.id) {
            throw new SeedError(
              file,
              `instances[${n}].invitations[${i}].id: is already used by an invitation of another instance`,
            );
          }
          if (owner !== undefined) {
            counts.skipped++;
            continue;
          }
        } else if (store.hasInvitation(instance.id, inv.email_address, inv.created_at)) {
          counts.skipped++;
          continue;
        }
        const row = toRow(inv, now);
        const at = `instances[${n}].invitations[${i}]`;
        if (row.expires_at <= row.created_at)
          throw new SeedError(file, `${at}.expires_at: must be after created_at (the time of loading when not given)`);
        if (row.updated_at < row.created_at)
          throw new SeedError(
            file,
            `${at}.updated_at: must not be before created_at (the time of loading when not given)`,
          );
        store.insert(instance.id, row);
        counts.invitations++;
        // An accepted invitation means its email became a user, as a real acceptance would have done.
        if (row.status === 'accepted' && !users.findByEmail(instance.id, row.email_address)) {
          users.insert(instance.id, row.email_address, inv.public_metadata, row.updated_at);
          counts.users++;
        }
      }
    });
  });
  return counts;
}

/** The configured seed, loaded after migrations and before serving; on failure the database is closed. */
export function loadSeed(db: DB, config: Config): SeedCounts | undefined {
  if (config.seedFile === undefined) return undefined;
  try {
    return applySeed(db, parseSeedFile(config.seedFile, config.secretKeys), config.seedFile);
  } catch (err) {
    closeDatabase(db);
    throw err;
  }
}

import { errors } from '../errors.js';
import { ksuid } from '../ids.js';

/** Faults one instance may hold at once (spent ones included, until deleted). */
export const MAX_FAULTS = 100;
/** Faults all instances together may hold, so that many keys cannot grow memory without end. */
export const MAX_FAULTS_TOTAL = 10_000;
/** The longest delay a fault may add, in milliseconds. */
export const MAX_DELAY_MS = 30_000;

export type FaultMethod = 'GET' | 'POST' | 'DELETE' | '*';

export interface FaultError {
  code: string;
  message: string;
  long_message?: string | undefined;
}

export interface FaultSpec {
  method: FaultMethod;
  path: string;
  status: number | null;
  error: FaultError | null;
  delay_ms: number;
  close: boolean;
  when: 'before' | 'after';
  times: number | null;
  probability: number;
  retry_after: number | null;
}

export interface Fault extends FaultSpec {
  id: string;
  hits: number;
  created_at: number;
  /** The path with its parameters' names dropped, as patternOf gives a route's. */
  pattern: string;
}

/** A route pattern with each parameter as "{}": "/v1/invitations/{id}" and Fastify's "/v1/invitations/:invitation_id" agree. */
export const normalise = (path: string): string => path.replace(/\{[^/{}]*\}|:[A-Za-z_]+/g, '{}');

export const remaining = (f: Fault): number | null => (f.times === null ? null : f.times - f.hits);

/** The wire JSON of a fault. */
export const toFault = (f: Fault) => ({
  object: 'fault' as const,
  id: f.id,
  method: f.method,
  path: f.path,
  status: f.status,
  error: f.error,
  delay_ms: f.delay_ms,
  close: f.close,
  when: f.when,
  times: f.times,
  probability: f.probability,
  retry_after: f.retry_after,
  remaining: remaining(f),
  hits: f.hits,
  created_at: f.created_at,
});

/** Each instance's faults, in memory, in the order created; an instance without any has no entry. */
export class FaultStore {
  private readonly byInstance = new Map<number, Fault[]>();
  private total = 0;
  /** Fastify url of each keyed /v1 route → its normalised pattern (filled as routes are added). */
  private readonly routes = new Map<string, string>();
  private readonly patterns = new Set<string>();

  /** The draw for `probability`: replace it for a seeded or forced sequence in tests. */
  random: () => number = Math.random;

  addRoute(url: string): void {
    const pattern = normalise(url);
    this.routes.set(url, pattern);
    this.patterns.add(pattern);
  }

  /** Whether a fault's path names a keyed /v1 route (or is "*"). */
  knowsPath(path: string): boolean {
    return path === '*' || this.patterns.has(normalise(path));
  }

  /** The normalised pattern of a keyed /v1 route's url; undefined for any other route. */
  patternOf(url: string | undefined): string | undefined {
    return url === undefined ? undefined : this.routes.get(url);
  }

  /** The instance's faults, or undefined when it has none: the only cost of a request while no fault exists. */
  of(instanceId: number): Fault[] | undefined {
    return this.byInstance.get(instanceId);
  }

  create(instanceId: number, nowMs: number, spec: FaultSpec): Fault {
    const list = this.byInstance.get(instanceId) ?? [];
    if (list.length >= MAX_FAULTS) throw errors.faultLimit('The instance has', MAX_FAULTS);
    if (this.total >= MAX_FAULTS_TOTAL) throw errors.faultLimit('All instances together have', MAX_FAULTS_TOTAL);
    const fault: Fault = {
      ...spec,
      id: `flt_${ksuid(nowMs)}`,
      hits: 0,
      created_at: nowMs,
      pattern: spec.path === '*' ? '*' : normalise(spec.path),
    };
    list.push(fault);
    this.byInstance.set(instanceId, list);
    this.total++;
    return fault;
  }

  /** The first fault that matches the request, has hits left and wins its draw; its hit is counted. */
  pick(list: Fault[], method: string, pattern: string): Fault | undefined {
    for (const f of list) {
      if (f.times !== null && f.hits >= f.times) continue;
      if (f.method !== '*' && f.method !== method) continue;
      if (f.pattern !== '*' && f.pattern !== pattern) continue;
      if (f.probability < 1 && !(this.random() < f.probability)) continue;
      f.hits++;
      return f;
    }
    return undefined;
  }

  remove(instanceId: number, id: string): boolean {
    const list = this.byInstance.get(instanceId);
    const at = list?.findIndex((f) => f.id === id) ?? -1;
    if (!list || at < 0) return false;
    list.splice(at, 1);
    this.total--;
    if (list.length === 0) this.byInstance.delete(instanceId);
    return true;
  }

  /** Removes all of the instance's faults; how many there were. */
  clear(instanceId: number): number {
    const n = this.byInstance.get(instanceId)?.length ?? 0;
    this.byInstance.delete(instanceId);
    this.total -= n;
    return n;
  }
}

import { type Instance, instanceNow, realNow } from '../clock.js';
import { PROFILE_LIMITS, type RateLimitProfile } from './rate-limits-profiles.js';
import { Window } from './rate-limits-window.js';

/**
 * How many instances are tracked at most; past it, those on the default profile whose windows are empty
 * are forgotten first, else the oldest tenth.
 */
export const MAX_TRACKED_INSTANCES = 10_000;

interface Tracked {
  profile: RateLimitProfile;
  /** The instance's clock offset at its last counted request, to tell whether its windows are empty. */
  clockOffsetMs: number;
  windows: Map<string, Window>;
}

export interface RateLimitsView {
  object: 'rate_limits';
  profile: RateLimitProfile;
  limits: { name: string; limit: number; window_ms: number; used: number; retry_after_ms: number }[];
}

/**
 * Each instance's profile and sliding windows, in memory: at most MAX_TRACKED_INSTANCES instances, each
 * window holding at most its largest limit of instants, so memory stays bounded whatever the traffic.
 */
export class RateLimits {
  private readonly tracked = new Map<number, Tracked>();

  constructor(private readonly defaultProfile: RateLimitProfile) {}

  /** How many instances are tracked now. */
  get size(): number {
    return this.tracked.size;
  }

  profileOf(instanceId: number): RateLimitProfile {
    return this.tracked.get(instanceId)?.profile ?? this.defaultProfile;
  }

  /**
   * Counts a routed /v1 request (`route`: a POST's route URL) and returns 0, or refuses it without
   * counting it and returns the milliseconds until the fullest of its windows frees a place.
   */
  admit(instance: Instance, route: string | undefined): number {
    const entry = this.tracked.get(instance.id);
    const profile = entry === undefined ? this.defaultProfile : entry.profile;
    if (profile === 'off') return 0;
    const tracked = entry ?? this.track(instance.id, profile);
    tracked.clockOffsetMs = instance.clockOffsetMs;
    const now = instanceNow(instance);
    let wait = 0;
    for (const l of PROFILE_LIMITS[profile]) {
      if (l.route !== undefined && l.route !== route) continue;
      wait = Math.max(wait, this.waitIn(tracked, l.name, l.limit, l.windowMs, now));
    }
    if (wait > 0) return wait;
    for (const l of PROFILE_LIMITS[profile])
      if (l.route === undefined || l.route === route) this.windowOf(tracked, l.name).add(now);
    return 0;
  }

  setProfile(instanceId: number, profile: RateLimitProfile): void {
    const entry = this.tracked.get(instanceId);
    if (entry) entry.profile = profile;
    else this.track(instanceId, profile);
  }

  /** Back to the configured default profile with empty windows. */
  reset(instanceId: number): void {
    this.tracked.delete(instanceId);
  }

  view(instance: Instance): RateLimitsView {
    const entry = this.tracked.get(instance.id);
    const profile = entry?.profile ?? this.defaultProfile;
    const now = instanceNow(instance);
    return {
      object: 'rate_limits',
      profile,
      limits: PROFILE_LIMITS[profile].map((l) => {
        const window = entry?.windows.get(l.name);
        return {
          name: l.name,
          limit: l.limit,
          window_ms: l.windowMs,
          used: window ? window.used(now, l.windowMs) : 0,
          retry_after_ms: entry ? this.waitIn(entry, l.name, l.limit, l.windowMs, now) : 0,
        };
      }),
    };
  }

  /** 0 when the window has room at `now`, else the milliseconds until enough counted requests leave it. */
  private waitIn(tracked: Tracked, name: string, limit: number, windowMs: number, now: number): number {
    const window = tracked.windows.get(name);
    if (window === undefined) return 0;
    const used = window.used(now, windowMs);
    return used < limit ? 0 : window.at(used - limit) + windowMs - now;
  }

  private windowOf(tracked: Tracked, name: string): Window {
    let window = tracked.windows.get(name);
    if (window === undefined) {
      window = new Window();
      tracked.windows.set(name, window);
    }
    return window;
  }

  private track(instanceId: number, profile: RateLimitProfile): Tracked {
    if (this.tracked.size >= MAX_TRACKED_INSTANCES) this.forget();
    const tracked: Tracked = { profile, clockOffsetMs: 0, windows: new Map() };
    this.tracked.set(instanceId, tracked);
    return tracked;
  }

  /** Makes room: drops the instances that would behave the same untracked, else the oldest tenth. */
  private forget(): void {
    const real = realNow();
    for (const [id, t] of this.tracked) {
      if (t.profile !== this.defaultProfile) continue;
      const now = real + t.clockOffsetMs;
      const limits = PROFILE_LIMITS[t.profile];
      if (limits.every((l) => (t.windows.get(l.name)?.used(now, l.windowMs) ?? 0) === 0)) this.tracked.delete(id);
    }
    if (this.tracked.size < MAX_TRACKED_INSTANCES) return;
    let n = Math.ceil(MAX_TRACKED_INSTANCES / 10);
    for (const id of this.tracked.keys()) {
      if (n-- === 0) break;
      this.tracked.delete(id);
    }
  }
}

// Clerk's published Backend API rate limits per instance (contract §8): the one place they are stated.

export const RATE_LIMIT_PROFILES = ['off', 'dev', 'prod'] as const;
export type RateLimitProfile = (typeof RATE_LIMIT_PROFILES)[number];

export interface Limit {
  /** What it counts, as GET /_emulator/rate-limits names it. */
  name: string;
  /** The route it counts (a POST's Fastify URL), or undefined for every routed /v1 request. */
  route: string | undefined;
  limit: number;
  windowMs: number;
}

const TEN_SECONDS = 10_000;
const HOUR = 3_600_000;

const creates: Limit[] = [
  { name: 'POST /v1/invitations', route: '/v1/invitations', limit: 100, windowMs: HOUR },
  { name: 'POST /v1/invitations/bulk', route: '/v1/invitations/bulk', limit: 25, windowMs: HOUR },
];

export const PROFILE_LIMITS: Record<RateLimitProfile, readonly Limit[]> = {
  off: [],
  dev: [{ name: '/v1', route: undefined, limit: 100, windowMs: TEN_SECONDS }, ...creates],
  prod: [{ name: '/v1', route: undefined, limit: 1000, windowMs: TEN_SECONDS }, ...creates],
};

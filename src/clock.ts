// Every timestamp and the expiry rule read the instance clock through here, never Date.now() directly.

export interface Instance {
  id: number;
  clockOffsetMs: number;
}

export const realNow = (): number => Date.now();

export function instanceNow(instance: Instance): number {
  return realNow() + instance.clockOffsetMs;
}

export const DAY_MS = 86_400_000;

/** The latest instant a clock may show: the last millisecond of the year 9999. */
export const MAX_TIME = 253_402_300_799_999;

// Every timestamp and the expiry rule read the instance clock through here, never Date.now() directly.

export interface Instance {
  id: number;
  clockOffsetMs: number;
}

export const realNow = (): number => Date.now();

export function instanceNow(instance: Instance): number {
  return realNow() + instance.clockOffsetMs;
}

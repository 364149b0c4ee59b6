import type { FastifyBaseLogger } from 'fastify';
import { realNow } from '../clock.js';
import { redactTicket } from '../http/logging.js';
import type { Endpoint } from './webhooks-endpoints.js';
import type { Claimed, MessageStore } from './webhooks-messages.js';
import { sign } from './webhooks-signing.js';

/** Attempts one process sends at once; more wait in the table. */
export const MAX_IN_FLIGHT = 8;
/** An attempt is a success only with a 2xx within this long (Svix's 15 s). */
export const TIMEOUT_MS = 15_000;
/** How often the queue is read when nothing wakes the worker: retries due by real time, other processes' messages. */
export const POLL_MS = 1_000;

/** Attempts recorded between two prunes of the delivery log (MessageStore.prune). */
export const PRUNE_EVERY = 1_000;

/** Why an attempt got no status: a timeout, the connection's error code (ECONNREFUSED…), or the error's message. */
function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: unknown; message?: unknown } };
  if (e.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return String(e.cause?.message ?? e.message).slice(0, 200);
}

/**
 * Sends the queued messages, outside every request's path: it claims due messages (atomically, so two
 * processes on one file never send the same attempt), POSTs them signed, and records each attempt. Woken after
 * a commit that queued messages and by the clock route; otherwise it reads the queue every POLL_MS.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();
  /** TIMEOUT_MS; a test may shorten it. */
  timeoutMs = TIMEOUT_MS;
  /** PRUNE_EVERY; a test may shorten it. */
  pruneEvery = PRUNE_EVERY;
  private recorded = 0;

  constructor(
    private readonly messages: MessageStore,
    private readonly endpointOf: (instanceId: number, endpointId: string) => Endpoint | undefined,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Attempts being sent now. */
  get inFlight(): number {
    return this.running.size;
  }

  start(): void {
    this.schedule(0);
  }

  /** Reads the queue at the next turn (after the commit of the transaction that called it). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Stops claiming, gives back what is in flight, and waits for it: no timer or socket outlives the app. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    const room = MAX_IN_FLIGHT - this.running.size;
    const real = realNow();
    try {
      if (this.recorded >= this.pruneEvery) {
        this.recorded = 0;
        this.messages.prune();
      }
      if (room > 0 && this.messages.someDue(real)) {
        for (const m of this.messages.claim(real, room)) {
          // A failure to record the attempt (the write lock held past busy_timeout by another process) leaves the
          // message to its lease, which then ends: it is sent again, never lost, and nothing is left unhandled.
          const sending = this.deliver(m)
            .catch((err: unknown) =>
              this.log.warn({ err, webhook: { message_id: m.id } }, 'webhook attempt not recorded'),
            )
            .finally(() => {
              this.running.delete(sending);
              this.wake();
            });
          this.running.add(sending);
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'webhook queue could not be read; trying again');
    }
    this.schedule(POLL_MS);
  }

  private async deliver(m: Claimed): Promise<void> {
    const endpoint = this.endpointOf(m.instance_id, m.endpoint_id);
    const real = realNow();
    if (!endpoint) {
      const attempt = { at: real + m.clock_offset_ms, status_code: null, error: 'endpoint deleted', duration_ms: 0 };
      this.messages.finish(m, attempt, real, true);
      return;
    }
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'clerk-invitations-mock (Svix-Webhooks compatible)',
          ...sign(endpoint.secret, m.id, real, m.payload),
        },
        body: m.payload,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.abort.signal]),
      });
      statusCode = res.status;
      // The answer's body is never read: no endpoint can make the emulator hold its bytes.
      await res.body?.cancel();
    } catch (err) {
      if (this.stopped) {
        this.messages.unclaim(m.id);
        return;
      }
      error = describe(err, this.timeoutMs);
    }
    const duration = Math.round(performance.now() - started);
    // One reading of the clock: the next attempt is due exactly one scheduled wait after this one's `at`.
    const ended = realNow();
    const attempt = { at: ended + m.clock_offset_ms, status_code: statusCode, error, duration_ms: duration };
    const status = this.messages.finish(m, attempt, ended);
    this.recorded++;
    this.log.info(
      {
        webhook: {
          message_id: m.id,
          endpoint_id: endpoint.id,
          url: redactTicket(endpoint.url),
          status_code: statusCode,
          error,
          duration_ms: duration,
          status,
        },
      },
      'webhook attempt',
    );
  }
}

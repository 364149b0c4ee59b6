// Hooks the openapi.yaml response check into an app: every response it sends, injected or on a listening
// server, including frameworkErrors answers, which Fastify sends without running any hook.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { isDocsRoute } from '../src/http/docs.js';
import { responseProblems } from './openapi-check.js';

interface Failing {
  fail(message: string): unknown;
}

const checkers = new WeakMap<FastifyInstance, Failing>();
/** Responses the onSend hook checked; frameworkErrors answers skip every hook and are checked as they are written. */
const hooked = new WeakSet<ServerResponse>();

const report = (t: Failing, problems: string[]): void => {
  for (const problem of problems) t.fail(`openapi.yaml: ${problem}`);
};

/**
 * Fails the test for any response of the app that openapi.yaml does not describe (status, Content-Type,
 * headers, body): through inject (with checkInjected for what skips the hooks) or on a listening server.
 */
export function checkAgainstOpenapi(t: Failing, app: FastifyInstance): void {
  checkers.set(app, t);
  app.addHook('onSend', async (request, reply, payload) => {
    hooked.add(reply.raw);
    const route = request.routeOptions.url;
    if (route !== undefined && isDocsRoute(route)) return payload;
    const body =
      typeof payload === 'string'
        ? payload
        : Buffer.isBuffer(payload)
          ? payload.toString()
          : payload == null
            ? ''
            : undefined;
    report(
      t,
      responseProblems({
        method: request.method,
        route,
        status: reply.statusCode,
        headers: reply.getHeaders(),
        body,
        injected: request.faultId !== null && reply.statusCode >= 400,
      }),
    );
    return payload;
  });
  app.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => watchUnhooked(t, req, res));
}

/** An injected response no hook saw (a frameworkErrors answer), checked as a request no route serves. */
export function checkInjected(app: FastifyInstance, res: LightMyRequestResponse): void {
  const t = checkers.get(app);
  if (t === undefined || hooked.has(res.raw.res)) return;
  report(
    t,
    responseProblems({
      method: res.raw.req.method ?? 'GET',
      route: undefined,
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
    }),
  );
}

/** On a listening server, records what is written so that a response no hook saw is checked when it ends. */
function watchUnhooked(t: Failing, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  const headers: Record<string, unknown> = {};
  const keep = (chunk: unknown): void => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const { writeHead, write, end } = res;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    // Headers given to writeHead itself (as Fastify does) are not in getHeaders().
    const given = rest.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r)) as
      | Record<string, unknown>
      | undefined;
    for (const [name, value] of Object.entries(given ?? {})) headers[name.toLowerCase()] = value;
    return writeHead.apply(res, [status, ...rest] as never);
  }) as typeof res.writeHead;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write.apply(res, [chunk, ...rest] as never);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    keep(args[0]);
    if (!hooked.has(res)) {
      report(
        t,
        responseProblems({
          method: req.method ?? 'GET',
          route: undefined,
          status: res.statusCode,
          headers: { ...res.getHeaders(), ...headers },
          body: Buffer.concat(chunks).toString(),
        }),
      );
    }
    return end.apply(res, args as never);
  }) as typeof res.end;
}

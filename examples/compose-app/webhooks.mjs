// The compose example's webhook receiver: POST /api/webhooks on port 3000, handled by the unchanged
// Next-style handler (verifyWebhook with CLERK_WEBHOOK_SIGNING_SECRET), served by node:http.
import { createServer } from 'node:http';

/** Serves `handle(Request) → Response` on the port; resolves with the server once it listens. */
export function serveRoute(handle, port) {
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).filter(([, v]) => typeof v === 'string'),
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    });
    const response =
      req.method === 'POST' && new URL(request.url).pathname === '/api/webhooks'
        ? await handle(request)
        : new Response('not found', { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(port, () => resolve(server)));
}

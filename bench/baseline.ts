// The ceiling: a bare Fastify route behind the same bearer check, answering a static list page.
import Fastify from 'fastify';

const BEARER = /^Bearer +(sk_(test|live)_[A-Za-z0-9_-]{1,128}) *$/i;
const now = Date.now();
const page = JSON.stringify({
  data: Array.from({ length: 10 }, (_, i) => ({
    object: 'invitation',
    id: `inv_${String(i).padStart(27, '0')}`,
    email_address: `user${i}@example.com`,
    public_metadata: {},
    status: 'pending',
    url: `http://localhost:4010/v1/tickets/accept?ticket=${'x'.repeat(43)}`,
    expires_at: now + 30 * 86_400_000,
    created_at: now,
    updated_at: now,
  })),
  total_count: 100_000,
});

const app = Fastify({ logger: false });
app.addHook('onRequest', async (request, reply) => {
  if (!BEARER.test(request.headers.authorization ?? '')) await reply.code(401).send({ errors: [] });
});
app.get('/_emulator/health', async () => ({ status: 'ok' }));
app.get('/v1/invitations', async (_request, reply) => reply.type('application/json').send(page));

await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));

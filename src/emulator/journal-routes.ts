import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type JournalRequest, renderEntry, splitUrl } from './journal-entry.js';
import type { JournalStore } from './journal-store.js';
import { journalQuery } from './schemas.js';

/** A path filter: the exact path, or a route pattern whose {name} segments match any one segment. */
function pathMatcher(path: string): (candidate: string) => boolean {
  if (!path.includes('{')) return (candidate) => candidate === path;
  const source = path
    .split(/\{[^/{}]*\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  const pattern = new RegExp(`^${source}$`);
  return (candidate) => pattern.test(candidate);
}

/** The instance's request journal: what its app sent to /v1 and what it was answered. */
const journalRoutes: FastifyPluginAsyncZod<{ journal: JournalStore }> = async (app, { journal }) => {
  app.get('/_emulator/requests', { schema: { querystring: journalQuery } }, async (request) => {
    const { limit, offset, method, path, status } = request.query;
    const matchesPath = path === undefined ? undefined : pathMatcher(path);
    const data: JournalRequest[] = [];
    let total = 0;
    for (const entry of journal.entries(request.instance.id)) {
      if (method !== undefined && entry.method !== method) continue;
      if (status !== undefined && entry.status !== status) continue;
      if (matchesPath && !matchesPath(splitUrl(entry.url).path)) continue;
      if (total >= offset && data.length < limit) data.push(renderEntry(entry));
      total++;
    }
    return { data, total_count: total };
  });

  app.delete('/_emulator/requests', async (request) => ({
    object: 'request_journal',
    deleted: journal.clear(request.instance.id),
  }));
};

export default journalRoutes;

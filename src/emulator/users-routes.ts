import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { instanceNow } from '../clock.js';
import { pageQuery, userBody } from './schemas.js';
import { toUser, type UserStore } from './users-store.js';

/** Users exist so "this email already has an account" can be set up and observed after an acceptance. */
const usersRoutes: FastifyPluginAsyncZod<{ users: UserStore }> = async (app, { users }) => {
  app.post('/_emulator/users', { schema: { body: userBody } }, async (request) => {
    const { email_address: email, public_metadata: metadata } = request.body;
    return toUser(users.create(request.instance.id, instanceNow(request.instance), email, metadata));
  });

  app.get('/_emulator/users', { schema: { querystring: pageQuery } }, async (request) => {
    const { rows, total } = users.list(request.instance.id, request.query.limit, request.query.offset);
    return { data: rows.map(toUser), total_count: total };
  });
};

export default usersRoutes;

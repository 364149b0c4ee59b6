import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { instanceNow, realNow } from '../clock.js';
import { errors } from '../errors.js';
import { endpointBody, endpointParams, messageParams, messagesQuery } from './webhooks-schema.js';

/** The control API of webhooks (contract §11): endpoints, and the delivery log with its retry. */
const webhooksRoutes: FastifyPluginAsyncZod = async (app) => {
  const { webhooks } = app;

  app.post('/_emulator/webhooks/endpoints', { schema: { body: endpointBody } }, async (request, reply) => {
    const endpoint = webhooks.endpoints.create(request.instance.id, instanceNow(request.instance), request.body);
    return reply.code(201).send(endpoint);
  });

  app.get('/_emulator/webhooks/endpoints', async (request) => {
    const data = webhooks.list(request.instance.id);
    return { data, total_count: data.length };
  });

  app.delete('/_emulator/webhooks/endpoints/:endpoint_id', { schema: { params: endpointParams } }, async (request) => {
    const id = request.params.endpoint_id;
    if (webhooks.fromConfig?.id === id) throw errors.webhookEndpointFromConfig(id);
    if (!webhooks.deleteEndpoint(request.instance.id, id)) throw errors.webhookEndpointNotFound(id);
    return { object: 'webhook_endpoint', id, deleted: true };
  });

  app.get('/_emulator/webhooks/messages', { schema: { querystring: messagesQuery } }, async (request) => {
    const { data, total } = webhooks.messages.list(request.instance.id, request.instance.clockOffsetMs, request.query);
    return { data, total_count: total };
  });

  app.post('/_emulator/webhooks/messages/:message_id/retry', { schema: { params: messageParams } }, async (request) => {
    const id = request.params.message_id;
    if (!webhooks.messages.retry(request.instance.id, id, realNow())) throw errors.webhookMessageNotFound(id);
    webhooks.worker.wake();
    return webhooks.messages.get(request.instance.id, request.instance.clockOffsetMs, id);
  });
};

export default webhooksRoutes;

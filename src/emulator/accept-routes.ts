import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toInvitation } from '../invitations/model.js';
import type { AcceptStore } from './accept-store.js';
import { invitationParams } from './schemas.js';

/** POST /_emulator/invitations/{id}/accept: the programmatic twin of clicking the link. */
const acceptRoutes: FastifyPluginAsyncZod<{ accepts: AcceptStore }> = async (app, { accepts }) => {
  app.post(
    '/_emulator/invitations/:invitation_id/accept',
    { schema: { params: invitationParams } },
    async (request) => {
      const { row, now } = accepts.acceptById(request.instance, request.params.invitation_id);
      return toInvitation(row, now, app.publicUrl);
    },
  );
};

export default acceptRoutes;

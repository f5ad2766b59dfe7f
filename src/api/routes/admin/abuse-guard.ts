import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { getAbuseGuardState } from '../../../abuse/get-abuse-guard-state.ts';
import { liftAbuseBan } from '../../../abuse/lift-abuse-ban.ts';
import type { AppContext } from '../../../app-context.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { SafeId } from '../../schemas/numbers.ts';
import { AbuseGuardView, abuseGuardView } from '../account/abuse-guard.ts';
import { errorResponses, success } from '../smscode/schemas.ts';

const Params = Type.Object({ id: SafeId });

/** An account's standing with the abuse guard, and lifting its ban (audited). */
export const abuseGuardAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/accounts/:id/abuse-guard',
    {
      schema: {
        tags: ['admin'],
        summary: "An account's abuse-guard state",
        params: Params,
        response: { 200: success(AbuseGuardView), ...errorResponses(401, 403, 404, 422, 500) },
      },
    },
    async (request) => ({
      success: true as const,
      data: abuseGuardView(await getAbuseGuardState({ ctx, input: { accountId: request.params.id } })),
    }),
  );

  app.post(
    '/accounts/:id/abuse-guard/lift',
    {
      schema: {
        tags: ['admin'],
        summary: "Lift an account's abuse-guard ban now (409 when it has none)",
        params: Params,
        response: { 200: success(AbuseGuardView), ...errorResponses(401, 403, 404, 409, 422, 500) },
      },
    },
    async (request) => {
      const accountId = request.params.id;
      await liftAbuseBan({ ctx, input: { accountId, actor: actorOf(request) } });
      return {
        success: true as const,
        data: abuseGuardView(await getAbuseGuardState({ ctx, input: { accountId } })),
      };
    },
  );
};

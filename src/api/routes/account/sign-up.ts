/**
 * Public account routes, no authentication: sign-up, e-mail verification (and a fresh link for it),
 * password reset. Sign-up, the fresh link and the reset request answer the same 202 whether or not the
 * address has an account (the difference goes only to the mailbox). Each request is counted against its
 * address's rate-limit budget (by its route's weight, request-weights.ts) before its body is read.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { requestPasswordReset, resendVerification } from '../../../accounts/request-account-link.ts';
import { resetPassword } from '../../../accounts/reset-password.ts';
import { signUp } from '../../../accounts/sign-up.ts';
import { verifyEmail } from '../../../accounts/verify-email.ts';
import type { AppContext } from '../../../app-context.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { routeWeight } from '../../plugins/request-weights.ts';
import { strictValidatorCompiler } from '../../plugins/strict-validation.ts';
import { errorResponses, success } from '../smscode/schemas.ts';

// Loose bounds here (cheap refusals of absurd input); the exact rules are the domain's.
const Email = Type.String({ minLength: 1, maxLength: 320, description: 'the account’s e-mail address' });
const Password = Type.String({ minLength: 1, maxLength: 1024, description: '8 to 256 characters' });
const Token = Type.String({ minLength: 1, maxLength: 128, description: 'the token from the mailed link' });
const closed = { additionalProperties: false } as const;

const CheckYourEmail = success(Type.Object({ status: Type.Literal('check_your_email') }, closed));
const CHECK_YOUR_EMAIL = { success: true as const, data: { status: 'check_your_email' as const } };

export const signUpRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  app.setValidatorCompiler(strictValidatorCompiler);
  app.addHook('onRequest', async (request, reply) => {
    // Keyless by design: whatever credential a request carries, it spends its address's budget.
    request.principal = undefined;
    await limits.spend(request, reply, routeWeight(request));
  });

  app.post(
    '/signup',
    {
      schema: {
        tags: ['account'],
        summary: 'Sign up: mails a link that verifies the address',
        description: 'Answers the same whether or not the address already has an account.',
        body: Type.Object({ email: Email, password: Password }, closed),
        response: { 202: CheckYourEmail, ...errorResponses(422, 429, 500) },
      },
    },
    async (request, reply) => {
      await signUp({ ctx, input: { ...request.body, actor: actorOf(request) } });
      return reply.code(202).send(CHECK_YOUR_EMAIL);
    },
  );

  app.post(
    '/verify-email',
    {
      schema: {
        tags: ['account'],
        summary: 'Verify an address with the token from its link',
        body: Type.Object({ token: Token }, closed),
        response: {
          200: success(
            Type.Object({ status: Type.Literal('verified'), email_verified: Type.Boolean() }, closed),
          ),
          ...errorResponses(422, 429, 500),
        },
      },
    },
    async (request) => {
      await verifyEmail({ ctx, input: { token: request.body.token, actor: actorOf(request) } });
      return { success: true as const, data: { status: 'verified' as const, email_verified: true } };
    },
  );

  app.post(
    '/verify-email/resend',
    {
      schema: {
        tags: ['account'],
        summary: 'Mail a fresh link to confirm an address not verified yet',
        description:
          'Answers the same whether or not the address has an account, or is verified already. The link is a password-reset link (POST /api/password-reset/confirm): choosing the password confirms the address and ends every session and API key made before.',
        body: Type.Object({ email: Email }, closed),
        response: { 202: CheckYourEmail, ...errorResponses(422, 429, 500) },
      },
    },
    async (request, reply) => {
      await resendVerification({ ctx, input: { email: request.body.email, actor: actorOf(request) } });
      return reply.code(202).send(CHECK_YOUR_EMAIL);
    },
  );

  app.post(
    '/password-reset',
    {
      schema: {
        tags: ['account'],
        summary: 'Ask for a password-reset link',
        description: 'Answers the same whether or not the address has an account.',
        body: Type.Object({ email: Email }, closed),
        response: { 202: CheckYourEmail, ...errorResponses(422, 429, 500) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset({ ctx, input: { email: request.body.email, actor: actorOf(request) } });
      return reply.code(202).send(CHECK_YOUR_EMAIL);
    },
  );

  app.post(
    '/password-reset/confirm',
    {
      schema: {
        tags: ['account'],
        summary: 'Choose a new password with the token from a reset link; signs out everywhere',
        body: Type.Object({ token: Token, password: Password }, closed),
        response: {
          200: success(Type.Object({ status: Type.Literal('password_reset') }, closed)),
          ...errorResponses(422, 429, 500),
        },
      },
    },
    async (request) => {
      await resetPassword({ ctx, input: { ...request.body, actor: actorOf(request) } });
      return { success: true as const, data: { status: 'password_reset' as const } };
    },
  );
};

/**
 * An account's handler-API preferences: where incoming SMS are also POSTed in the handler webhook format,
 * and whether errors come as HeroSMS-style JSON. The URL is held to the same SSRF rules as webhooks.
 */
import { validateWebhookUrl } from '../delivery/webhooks/validate-webhook-url.ts';
import type { EventBus } from '../platform/bus.ts';
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { ApiKeyCache } from './api-key-cache.ts';
import { forgetAccountKeys } from './forget-account-keys.ts';

export interface HandlerSettings {
  webhookUrl: string | null;
  jsonErrors: boolean;
}

const COLUMNS = `handler_webhook_url AS "webhookUrl", handler_json_errors AS "jsonErrors"`;

export async function getHandlerSettings({ ctx, input }: { ctx: DbContext; input: { accountId: number } }) {
  const result = await ctx.db.query<HandlerSettings>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [
    input.accountId,
  ]);
  if (!result.rows[0]) throw new DomainError('NOT_FOUND', 'no such account');
  return result.rows[0];
}

export async function updateHandlerSettings({
  ctx,
  input,
}: {
  ctx: DbContext & {
    config: { webhooks: { allowPrivate: boolean } };
    bus: EventBus;
    apiKeyCache?: ApiKeyCache;
  };
  input: { accountId: number; webhookUrl?: string | null | undefined; jsonErrors?: boolean | undefined };
}): Promise<HandlerSettings> {
  const url = input.webhookUrl === '' ? null : input.webhookUrl;
  if (url) await validateWebhookUrl(url, ctx.config.webhooks);
  const result = await ctx.db.query<HandlerSettings>(
    `UPDATE accounts SET
       handler_webhook_url = CASE WHEN $2 THEN $3 ELSE handler_webhook_url END,
       handler_json_errors = coalesce($4, handler_json_errors)
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [input.accountId, url !== undefined, url ?? null, input.jsonErrors ?? null],
  );
  // The error dialect travels with the cached key lookup: every node forgets it, so the change applies at once.
  forgetAccountKeys({ ctx, input: { accountId: input.accountId } });
  return result.rows[0]!;
}

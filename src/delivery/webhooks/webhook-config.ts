/**
 * An account's webhook: URL (https, public addresses only — checked when set and again when connecting),
 * secret (generated the first time a URL is set without one; returned in clear, as the contract does),
 * and the delivery state (disabled after 10 consecutive failures; any change re-enables it).
 */
import { randomBytes } from 'node:crypto';
import type { DbContext } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';
import { validateWebhookUrl } from './validate-webhook-url.ts';

export interface WebhookConfig {
  url: string | null;
  secret: string | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
}

const COLUMNS = `webhook_url AS url, webhook_secret AS secret, webhook_disabled_at AS "disabledAt",
  webhook_disabled_reason AS "disabledReason", webhook_consecutive_failures AS "consecutiveFailures"`;

export async function getWebhookConfig({ ctx, input }: { ctx: DbContext; input: { accountId: number } }) {
  const result = await ctx.db.query<WebhookConfig>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [
    input.accountId,
  ]);
  const config = result.rows[0];
  if (!config) throw new DomainError('NOT_FOUND', 'no such account');
  return config;
}

export interface WebhookChanges {
  /** undefined = unchanged; null or "" = cleared. */
  url?: string | null | undefined;
  secret?: string | null | undefined;
}

export async function updateWebhookConfig({
  ctx,
  input,
}: {
  ctx: DbContext & { config: { webhooks: { allowPrivate: boolean } } };
  input: { accountId: number; changes: WebhookChanges };
}): Promise<WebhookConfig> {
  const { changes } = input;
  if (changes.url === undefined && changes.secret === undefined) {
    throw new DomainError('VALIDATION_ERROR', 'give webhook_url and/or webhook_secret');
  }
  const url = changes.url === '' ? null : changes.url;
  const secret = changes.secret === '' ? null : changes.secret;
  if (url) await validateWebhookUrl(url, ctx.config.webhooks);
  if (secret && secret.length > 256)
    throw new DomainError('VALIDATION_ERROR', 'webhook_secret is longer than 256 characters');

  const current = await getWebhookConfig({ ctx, input });
  const nextUrl = url === undefined ? current.url : url;
  // The first URL without a secret gets one, so deliveries are signed from the start.
  const generated =
    nextUrl && secret === undefined && !current.secret ? randomBytes(32).toString('hex') : undefined;
  const nextSecret = secret === undefined ? (generated ?? current.secret) : secret;
  const result = await ctx.db.query<WebhookConfig>(
    `UPDATE accounts SET webhook_url = $2, webhook_secret = $3, webhook_disabled_at = NULL,
       webhook_disabled_reason = NULL, webhook_consecutive_failures = 0
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [input.accountId, nextUrl, nextSecret],
  );
  return result.rows[0]!;
}

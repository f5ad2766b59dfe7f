/**
 * An account's webhook: URL (https, public addresses only — checked when set and again when connecting),
 * secret (generated the first time a URL is set without one; returned in clear, as the contract does, but
 * stored sealed under NUMPOOL_SECRET),
 * and the delivery state (disabled after 10 consecutive failures; any change re-enables it).
 */
import { randomBytes } from 'node:crypto';
import type { DbContext } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';
import { open, seal } from '../../platform/secret-box.ts';
import { validateWebhookUrl } from './validate-webhook-url.ts';

export interface WebhookConfig {
  url: string | null;
  secret: string | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
}

type SecretContext = DbContext & { secret: string };

const COLUMNS = `webhook_url AS url, webhook_secret_sealed AS secret, webhook_disabled_at AS "disabledAt",
  webhook_disabled_reason AS "disabledReason", webhook_consecutive_failures AS "consecutiveFailures"`;

/** An account's webhook secret as stored (sealed) → as used; null stays null. */
export function openWebhookSecret(ctx: { secret: string }, sealed: string | null): string | null {
  return sealed === null ? null : open(ctx.secret, sealed);
}

const opened = (ctx: SecretContext, row: WebhookConfig): WebhookConfig => ({
  ...row,
  secret: openWebhookSecret(ctx, row.secret),
});

export async function getWebhookConfig({ ctx, input }: { ctx: SecretContext; input: { accountId: number } }) {
  const result = await ctx.db.query<WebhookConfig>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [
    input.accountId,
  ]);
  const config = result.rows[0];
  if (!config) throw new DomainError('NOT_FOUND', 'no such account');
  return opened(ctx, config);
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
  ctx: SecretContext & { config: { webhooks: { allowPrivate: boolean } } };
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
    `UPDATE accounts SET webhook_url = $2, webhook_secret_sealed = $3, webhook_secret = NULL,
       webhook_disabled_at = NULL, webhook_disabled_reason = NULL, webhook_consecutive_failures = 0
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [input.accountId, nextUrl, nextSecret ? seal(ctx.secret, nextSecret) : null],
  );
  return opened(ctx, result.rows[0]!);
}

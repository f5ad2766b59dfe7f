/**
 * SMS pushed by a provider (the handler protocol's activation webhook:
 * {"activationId","service","text","code","country","receivedAt"}), authenticated by the provider's own
 * hook secret, fed to the same ingestion as polling.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../platform/errors.ts';
import { type IngestResult, ingestSms } from './ingest-sms.ts';
import type { OrdersContext } from './orders-context.ts';

/** Compared as digests: equal lengths, so the time taken tells nothing about either secret. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Stands in for the secret of a provider that does not exist, so an unknown code costs the same. */
const NO_PROVIDER_SECRET = randomBytes(32).toString('hex');

/** "YYYY-MM-DD HH:MM:SS" (UTC) or ISO 8601; anything else is ignored (ingestion uses the arrival time). */
function parseTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export async function receiveProviderPush({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { providerCode: string; secret: string | undefined; body: unknown };
}): Promise<IngestResult> {
  // Prepared: every pushed SMS starts here.
  const provider = await ctx.db.query<{ id: number; hook_secret: string }>({
    name: 'providers.hook-secret',
    text: 'SELECT id, hook_secret FROM providers WHERE code = $1 AND enabled',
    values: [input.providerCode.toLowerCase()],
  });
  const row = provider.rows[0];
  // An unknown code and a wrong secret answer alike: provider codes cannot be enumerated without a secret.
  const given = typeof input.secret === 'string' ? input.secret : '';
  const matches = sameSecret(given, row?.hook_secret ?? NO_PROVIDER_SECRET);
  if (!row || given === '' || !matches) throw new DomainError('UNAUTHORIZED', 'bad or missing hook secret');
  const body = input.body as Record<string, unknown> | null;
  const ref = body?.activationId;
  const text = body?.text;
  if (
    body === null ||
    typeof body !== 'object' ||
    (typeof ref !== 'string' && typeof ref !== 'number') ||
    typeof text !== 'string'
  ) {
    throw new DomainError('VALIDATION_ERROR', 'expected {"activationId", "text", "code"?, "receivedAt"?}');
  }
  // Recorded at most once a minute per provider and process: the poller learns that this provider pushes.
  const now = ctx.clock.now().getTime();
  if (now - (ctx.upstreams.lastPushRecordedAt.get(row.id) ?? 0) >= 60_000) {
    ctx.upstreams.lastPushRecordedAt.set(row.id, now);
    await ctx.db.query({
      name: 'providers.record-push',
      text: 'UPDATE providers SET last_push_at = $2 WHERE id = $1',
      values: [row.id, new Date(now)],
    });
  }
  return ingestSms({
    ctx,
    input: {
      providerId: row.id,
      providerRef: String(ref),
      text,
      code: typeof body.code === 'string' || typeof body.code === 'number' ? String(body.code) : null,
      receivedAt: parseTime(body.receivedAt),
    },
  });
}

/** The dashboard's arithmetic: buckets of the latest orders, and provider latency read from the metrics. */
import { describe, expect, it } from 'vitest';
import type { AdminOrder } from '../../web/src/lib/admin/api-types.ts';
import { dashboardOf, deliveryRateOf } from '../../web/src/lib/admin/dashboard.ts';
import { providerLatencies } from '../../web/src/lib/admin/provider-latency.ts';

const NOW = new Date('2026-12-02T12:00:30Z');

function order(minutesAgo: number, status: string, extra: Partial<AdminOrder> = {}): AdminOrder {
  const created = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  return {
    id: Math.round(minutesAgo * 100),
    account_id: 1,
    status,
    provider_id: 1,
    provider_ref: 'r',
    country_name: 'Indonesia',
    platform_code: 'wa',
    platform_name: 'WhatsApp',
    operator_name: null,
    phone: null,
    amount: 1_000,
    cost_idr: 600,
    otp_code: null,
    otp_received_at: null,
    failed_reason: null,
    created_at: created,
    activated_at: created,
    expires_at: null,
    canceled_at: null,
    completed_at: null,
    ...extra,
  };
}

const codeAfter = (minutesAgo: number, seconds: number) =>
  new Date(NOW.getTime() - minutesAgo * 60_000 + seconds * 1000).toISOString();

describe('dashboard series', () => {
  it('counts orders per bucket, charges only those with a code, and leaves out orders before the window', () => {
    const orders = [
      order(0.2, 'COMPLETED', { otp_received_at: codeAfter(0.2, 30) }),
      order(0.4, 'OTP_RECEIVED', { otp_received_at: codeAfter(0.4, 10), cost_idr: null }),
      order(1.5, 'CANCELED'),
      order(2, 'ACTIVE'),
      order(90, 'COMPLETED'),
    ];
    const { buckets, totals, deliveryRate } = dashboardOf(orders, { now: NOW, bucketMinutes: 1, count: 60 });
    expect(buckets).toHaveLength(60);
    expect(buckets.at(-1)!.start.toISOString()).toBe('2026-12-02T12:00:00.000Z');
    expect(buckets.at(-1)).toMatchObject({ orders: 2, revenue: 2_000, margin: 1_400, delivered: 2 });
    expect(buckets.at(-1)!.medianTimeToCodeMs).toBe(20_000);
    expect(buckets.at(-2)).toMatchObject({ orders: 1, revenue: 0, undelivered: 1 });
    expect(deliveryRateOf(buckets.at(-2)!)).toBe(0);
    expect(buckets.at(-3)).toMatchObject({ orders: 1, delivered: 0, undelivered: 0 });
    expect(deliveryRateOf(buckets.at(-3)!)).toBeNull();
    expect(totals).toMatchObject({ orders: 4, revenue: 2_000, delivered: 2, undelivered: 1 });
    expect(deliveryRate).toBeCloseTo(2 / 3);
  });

  it('is all zeros, with no rate and no time to code, when nothing was ordered', () => {
    const { buckets, totals, deliveryRate } = dashboardOf([], { now: NOW, bucketMinutes: 5, count: 12 });
    expect(buckets.every((b) => b.orders === 0 && b.medianTimeToCodeMs === null)).toBe(true);
    expect(totals.orders).toBe(0);
    expect(deliveryRate).toBeNull();
  });
});

describe('provider latency from the metrics', () => {
  it('sums each provider’s histogram over operations and outcomes', () => {
    const text = [
      '# HELP numpool_provider_request_seconds Upstream provider call latency',
      '# TYPE numpool_provider_request_seconds histogram',
      'numpool_provider_request_seconds_bucket{le="0.1",provider="2",operation="buy",outcome="ok"} 1',
      'numpool_provider_request_seconds_sum{provider="2",operation="buy",outcome="ok"} 0.3',
      'numpool_provider_request_seconds_count{provider="2",operation="buy",outcome="ok"} 2',
      'numpool_provider_request_seconds_sum{provider="2",operation="prices",outcome="timeout"} 0.9',
      'numpool_provider_request_seconds_count{provider="2",operation="prices",outcome="timeout"} 1',
      'numpool_provider_request_seconds_sum{provider="1",operation="buy",outcome="ok"} 0',
      'numpool_provider_request_seconds_count{provider="1",operation="buy",outcome="ok"} 0',
      'numpool_provider_errors_total{provider="2",kind="timeout"} 1',
    ].join('\n');
    expect(providerLatencies(text)).toEqual([{ providerId: 2, calls: 3, meanSeconds: expect.closeTo(0.4) }]);
    expect(providerLatencies('')).toEqual([]);
  });
});

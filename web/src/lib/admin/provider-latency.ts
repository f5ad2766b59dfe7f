/**
 * Provider call latency from numpool's Prometheus metrics (GET /admin/api/metrics): the histogram
 * numpool_provider_request_seconds, summed per provider over operations and outcomes since this process
 * started.
 */
export interface ProviderLatency {
  providerId: number;
  calls: number;
  meanSeconds: number;
}

const SAMPLE = /^numpool_provider_request_seconds_(sum|count)\{([^}]*)\}\s+(\S+)$/;
const PROVIDER_LABEL = /(?:^|,)provider="(\d+)"/;

export function providerLatencies(metricsText: string): ProviderLatency[] {
  const totals = new Map<number, { sum: number; count: number }>();
  for (const line of metricsText.split('\n')) {
    const sample = SAMPLE.exec(line.trim());
    const provider = sample && PROVIDER_LABEL.exec(sample[2]!);
    if (!sample || !provider) continue;
    const id = Number(provider[1]);
    const total = totals.get(id) ?? { sum: 0, count: 0 };
    total[sample[1] as 'sum' | 'count'] += Number(sample[3]);
    totals.set(id, total);
  }
  return [...totals]
    .filter(([, t]) => t.count > 0)
    .map(([providerId, t]) => ({ providerId, calls: t.count, meanSeconds: t.sum / t.count }))
    .sort((a, b) => a.providerId - b.providerId);
}

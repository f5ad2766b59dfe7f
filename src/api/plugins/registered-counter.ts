/**
 * A counter on the context's metrics registry, made the first time and found after: an app built twice on
 * one context (tests, a second listener) must not register the same metric twice.
 */
import { Counter, type Registry } from 'prom-client';

export function registeredCounter<Label extends string>(
  registry: Registry,
  config: { name: string; help: string; labelNames: Label[] },
): Counter<Label> {
  return (
    (registry.getSingleMetric(config.name) as Counter<Label> | undefined) ??
    new Counter({ ...config, registers: [registry] })
  );
}

/**
 * The service's own refusals: a request over its rate limit, or one shed under load. Unlike a verb's
 * errors they always leave with their HTTP status (429, 503) and a Retry-After, on the handler API too,
 * whose other errors are HTTP 200; each surface still words them through its one error mapper.
 */
import { isDependencyOutage } from '../../platform/dependency-outage.ts';
import { DomainError } from '../../platform/errors.ts';

export type RefusalCode = 'RATE_LIMIT_EXCEEDED' | 'SERVICE_UNAVAILABLE';

export const REFUSAL_STATUS: Record<RefusalCode, number> = {
  RATE_LIMIT_EXCEEDED: 429,
  SERVICE_UNAVAILABLE: 503,
};

export class ServiceRefusal extends DomainError {
  declare readonly code: RefusalCode;
  readonly retryAfterSeconds: number;

  constructor(code: RefusalCode, message: string, retryAfterSeconds: number) {
    super(code, message, { retry_after_seconds: retryAfterSeconds });
    this.name = 'ServiceRefusal';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Seconds a client is told to wait when a dependency is down: long enough for a restart to finish. */
const OUTAGE_RETRY_AFTER_SECONDS = 2;

/** A dependency outage in any error, as the refusal every surface answers it with; else undefined. */
export function outageRefusal(error: unknown): ServiceRefusal | undefined {
  if (error instanceof ServiceRefusal || !isDependencyOutage(error)) return undefined;
  return new ServiceRefusal(
    'SERVICE_UNAVAILABLE',
    'the service is briefly unavailable; retry shortly',
    OUTAGE_RETRY_AFTER_SECONDS,
  );
}

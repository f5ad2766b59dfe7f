/**
 * The service's own refusals: a request over its rate limit, or one shed under load. Unlike a verb's
 * errors they always leave with their HTTP status (429, 503) and a Retry-After, on the handler API too,
 * whose other errors are HTTP 200; each surface still words them through its one error mapper.
 */
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

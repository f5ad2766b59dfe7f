/**
 * Whether an error means a service numpool depends on (PostgreSQL, Redis) is down or unreachable, as
 * opposed to a fault of the request or of numpool: such a request is answered 503 with Retry-After so
 * clients come back, never 500. Recognised: socket errors, node-postgres's connect and termination
 * errors, SQLSTATE class 08 (connection exception) and 57P01–57P03 (the server shutting down or still
 * starting), ioredis giving up on a command. The cause chain is followed (drivers wrap socket errors).
 */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const MESSAGES = [
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Connection is closed\.$/,
  /^Reached the max retries per request limit/,
  /^Stream isn't writeable/,
];

export function isDependencyOutage(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
    )
      return true;
    if (MESSAGES.some((m) => m.test(e.message))) return true;
    if (e instanceof AggregateError && e.errors.some(isDependencyOutage)) return true;
  }
  return false;
}

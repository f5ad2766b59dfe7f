import { describe, expect, it } from 'vitest';
import { isDependencyOutage } from '../../src/platform/dependency-outage.ts';
import { DomainError } from '../../src/platform/errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDependencyOutage', () => {
  it('recognises a database or Redis that is down, also when wrapped', () => {
    expect(isDependencyOutage(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDependencyOutage(withCode('terminating connection due to administrator command', '57P01'))).toBe(
      true,
    );
    expect(isDependencyOutage(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isDependencyOutage(withCode('connection failure', '08006'))).toBe(true);
    expect(isDependencyOutage(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDependencyOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDependencyOutage(new Error('Connection is closed.'))).toBe(true);
    const wrapped = new Error('query failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') });
    expect(isDependencyOutage(wrapped)).toBe(true);
  });

  it('leaves every other failure alone: it is a fault of the request or of numpool', () => {
    expect(isDependencyOutage(withCode('duplicate key value', '23505'))).toBe(false);
    expect(isDependencyOutage(withCode('canceling statement due to statement timeout', '57014'))).toBe(false);
    expect(isDependencyOutage(new DomainError('NOT_FOUND', 'no such order'))).toBe(false);
    expect(isDependencyOutage(new TypeError('x is undefined'))).toBe(false);
    expect(isDependencyOutage('ECONNREFUSED')).toBe(false);
  });
});

import { NeonDbError } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { getPostgresError, isUniqueViolation, PostgresErrorCode } from './errors';

function postgresError(code: string, constraint?: string) {
  return Object.assign(new Error('duplicate key value violates unique constraint'), {
    code,
    constraint,
  });
}

describe('getPostgresError', () => {
  it('reads the SQLSTATE from the driver error inside a Drizzle error', () => {
    const wrapped = new Error('Failed query: insert ...', {
      cause: postgresError('23505', 'x_unique'),
    });
    expect(getPostgresError(wrapped)).toEqual({ code: '23505', constraint: 'x_unique' });
  });

  it('reads the fields the HTTP driver puts on NeonDbError itself, bare or wrapped by Drizzle', () => {
    const driverError = Object.assign(new NeonDbError('duplicate key value'), {
      code: '23505',
      constraint: 'x_unique',
    });
    const expected = { code: '23505', constraint: 'x_unique' };
    expect(getPostgresError(driverError)).toEqual(expected);
    expect(getPostgresError(new Error('Failed query', { cause: driverError }))).toEqual(expected);
    // Neon's proxy answers failures that are not Postgres errors with an empty code.
    const notPostgres = Object.assign(new NeonDbError('could not connect'), { code: '' });
    expect(getPostgresError(notPostgres)).toBeUndefined();
  });

  it('ignores Node system error codes and non-errors', () => {
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(getPostgresError(network)).toBeUndefined();
    expect(getPostgresError('23505')).toBeUndefined();
    expect(getPostgresError(undefined)).toBeUndefined();
  });

  it('omits the constraint when Postgres names none', () => {
    expect(getPostgresError(postgresError('40001'))).toEqual({ code: '40001' });
  });
});

describe('isUniqueViolation', () => {
  it('matches any unique violation, or only the named constraint', () => {
    const error = new Error('wrapped', {
      cause: postgresError(PostgresErrorCode.uniqueViolation, 'a'),
    });
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'a')).toBe(true);
    expect(isUniqueViolation(error, 'b')).toBe(false);
    expect(isUniqueViolation(postgresError(PostgresErrorCode.checkViolation, 'a'))).toBe(false);
  });
});

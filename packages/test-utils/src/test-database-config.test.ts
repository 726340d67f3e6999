import { describe, expect, it } from 'vitest';
import {
  describeServer,
  isServerRequired,
  readServerUrl,
  withDatabaseName,
} from './test-database-config';

describe('test database configuration', () => {
  it('prefers TEST_DATABASE_URL over DATABASE_URL, and treats empty values as unset', () => {
    expect(
      readServerUrl({ TEST_DATABASE_URL: 'postgres://a/t', DATABASE_URL: 'postgres://b/d' }),
    ).toBe('postgres://a/t');
    expect(readServerUrl({ TEST_DATABASE_URL: '', DATABASE_URL: 'postgres://b/d' })).toBe(
      'postgres://b/d',
    );
    expect(readServerUrl({ DATABASE_URL: '' })).toBeUndefined();
    expect(readServerUrl({})).toBeUndefined();
  });

  it('requires a server only when CODEX_REQUIRE_DATABASE_SERVER is 1 or true', () => {
    expect(isServerRequired({ CODEX_REQUIRE_DATABASE_SERVER: '1' })).toBe(true);
    expect(isServerRequired({ CODEX_REQUIRE_DATABASE_SERVER: 'TRUE' })).toBe(true);
    expect(isServerRequired({ CODEX_REQUIRE_DATABASE_SERVER: '0' })).toBe(false);
    expect(isServerRequired({})).toBe(false);
  });

  it('swaps the database name and keeps credentials and options', () => {
    expect(
      withDatabaseName('postgres://u:p@127.0.0.1:5432/test?sslmode=disable', 'codex_t_1'),
    ).toBe('postgres://u:p@127.0.0.1:5432/codex_t_1?sslmode=disable');
  });

  it('describes a server without its credentials', () => {
    const description = describeServer(
      'postgres://app:s3cret@db.example.com/neondb?sslmode=require',
    );
    expect(description).toBe('db.example.com:5432/neondb');
    expect(description).not.toContain('s3cret');
  });
});

import { apiErrorStatus } from '@codex/validation';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';

describe('ApiError', () => {
  it('takes its status from the code table', () => {
    for (const code of Object.keys(apiErrorStatus) as Array<keyof typeof apiErrorStatus>) {
      expect(new ApiError(code, 'message').status).toBe(apiErrorStatus[code]);
    }
    expect(new ApiError('ALREADY_PURCHASED', 'Already purchased').status).toBe(409);
  });

  it('keeps code, message, headers and cause', () => {
    const cause = new Error('root cause');
    const error = new ApiError('RATE_LIMITED', 'Too many requests', {
      headers: { 'Retry-After': '10' },
      cause,
    });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ApiError');
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe('Too many requests');
    expect(error.headers).toEqual({ 'Retry-After': '10' });
    expect(error.cause).toBe(cause);
  });

  it('copies the headers so later changes to the input do not leak in', () => {
    const headers: Record<string, string> = { 'Retry-After': '10' };
    const error = new ApiError('RATE_LIMITED', 'Too many requests', { headers });
    headers['Retry-After'] = '999';

    expect(error.headers).toEqual({ 'Retry-After': '10' });
    expect(Object.isFrozen(error.headers)).toBe(true);
  });

  it('has no cause and no headers unless given', () => {
    const error = new ApiError('NOT_FOUND', 'Not found');

    expect('cause' in error).toBe(false);
    expect(error.headers).toEqual({});
  });
});

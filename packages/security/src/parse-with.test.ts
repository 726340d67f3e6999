import { contentIdSchema } from '@codex/validation';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './api-error';
import { parseWith, validationError } from './parse-with';

const CONTENT_ID = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';

/** Sample schemas: path parameters that lower-case an id, and a strict body of one id. */
const sampleParamsSchema = z.object({ contentId: contentIdSchema });
const sampleBodySchema = z.strictObject({ contentId: contentIdSchema });

function thrownBy(action: () => unknown): ApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('parseWith', () => {
  it("returns the schema's parsed (transformed) output", () => {
    const parsed: { contentId: string } = parseWith(sampleParamsSchema, {
      contentId: CONTENT_ID.toUpperCase(),
    });

    expect(parsed).toEqual({ contentId: CONTENT_ID });
  });

  it('throws VALIDATION_ERROR listing the issue as `path: message`', () => {
    const error = thrownBy(() => parseWith(sampleBodySchema, { contentId: 'not-a-uuid' }));

    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.status).toBe(400);
    expect(error.message).toBe('contentId: must be a UUID');
  });

  it('lists an issue about the whole value without a path', () => {
    const error = thrownBy(() =>
      parseWith(sampleBodySchema, { contentId: CONTENT_ID, priceCents: 1 }),
    );

    expect(error.message).toBe('unknown fields are not allowed');
  });

  it('joins several issues with "; "', () => {
    const error = thrownBy(() => parseWith(sampleBodySchema, { priceCents: 1 }));

    expect(error.message.split('; ').sort()).toEqual([
      'contentId: must be a string',
      'unknown fields are not allowed',
    ]);
  });

  it('never echoes the names of unknown fields the client sent', () => {
    const error = thrownBy(() =>
      parseWith(sampleBodySchema, { contentId: CONTENT_ID, '"><svg onload=alert(1)>': 1 }),
    );

    expect(error.message).toBe('unknown fields are not allowed');
  });

  it('never echoes the rejected value', () => {
    const rejected = '<script>alert("x")</script>';
    const error = thrownBy(() => parseWith(sampleBodySchema, { contentId: rejected }));

    expect(error.message).not.toContain('script');
  });
});

describe('validationError', () => {
  it('is the error parseWith throws for the same failed parse', () => {
    const input = { contentId: 'not-a-uuid', extra: 1 };
    const result = sampleBodySchema.safeParse(input);
    if (result.success) throw new Error('expected a failed parse');

    const error = validationError(result.error);

    expect(error).toBeInstanceOf(ApiError);
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({
      code: 'VALIDATION_ERROR',
      status: 400,
      message: thrownBy(() => parseWith(sampleBodySchema, input)).message,
    });
  });
});

import { describe, expect, it } from 'vitest';
import * as observability from './index';

describe('@codex/observability entry point', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(observability).sort()).toEqual([
      'ObservabilityClient',
      'isSensitiveKey',
      'placeholders',
      'redact',
      'redactString',
      'redactionMarkers',
      'serializeError',
    ]);
  });

  it('wires the exports together', () => {
    const lines: string[] = [];
    const client = new observability.ObservabilityClient('svc', 'test', {
      write: (line) => lines.push(line),
    });
    client.info('mail ops@example.com');
    expect(lines[0]).toContain(observability.redactionMarkers.email);
    expect(observability.redactString('ops@example.com')).toBe(
      observability.redactionMarkers.email,
    );
    expect(observability.redact({ password: 'x' })).toEqual({
      password: observability.redactionMarkers.sensitiveValue,
    });
    expect(observability.serializeError('x')).toEqual({ name: 'NonError', message: 'x' });
    expect(observability.isSensitiveKey('apiKey')).toBe(true);
    expect(observability.placeholders.circular).toBe('[Circular]');
  });
});

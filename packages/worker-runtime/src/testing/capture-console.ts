import { vi } from 'vitest';

/**
 * Collects what the code under test writes to `console[method]` (the logger writes one JSON line
 * per call) instead of printing it. Undone by `vi.restoreAllMocks()`.
 */
export function captureConsole(method: 'log' | 'warn' | 'error'): string[] {
  const lines: string[] = [];
  vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  return lines;
}

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../fixtures/nothing-runs', import.meta.url));
const vitestCli = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

function runFixture(env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [vitestCli, 'run'], {
    cwd: fixture,
    env: { ...process.env, ...env, CI: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('ZeroTestsReporter', () => {
  it('fails a run in which no test ran, which plain Vitest would pass', () => {
    const { status, output } = runFixture();
    expect(output).toContain('Tests: 0 passed, 0 failed, 1 skipped');
    expect(output).toContain('Test run refused: no test ran.');
    expect(status).toBe(1);
  });

  it('in strict mode (CI) also names the project that ran nothing', () => {
    const { status, output } = runFixture({ FIXTURE_STRICT: '1' });
    expect(output).toMatch(
      /Test run refused: no test ran; project "[^"]*" ran no test; 1 test\(s\) skipped or todo\./,
    );
    expect(status).toBe(1);
  });
});

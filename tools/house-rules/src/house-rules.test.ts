import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  housePackages,
  importsOf,
  packageOf,
  repositoryRoot,
  sourceFiles,
  trackedFiles,
} from './read-house';

// The shape of the house (docs: the root README's "Architecture", each package's README), checked
// on every `pnpm test` so it stays as it was left: dependencies point one way, test scaffolding
// stays out of production code, files stay small enough to read, every package says what it is.

const files = trackedFiles();
const packages = housePackages(files);
const sources = sourceFiles(files);

/**
 * What each package may import at run time (its non-test files), floor by floor. Everything not
 * listed is refused, so a new dependency is a decision made here, in the open.
 */
const allowedImports: Record<string, string[]> = {
  '@codex/database': [],
  '@codex/observability': [],
  '@codex/validation': [],
  '@codex/email': [],
  '@codex/local-stripe': [],
  '@codex/playback-grants': [],
  '@codex/security': ['@codex/validation', '@codex/observability'],
  '@codex/purchases': [
    '@codex/database',
    '@codex/validation',
    '@codex/observability',
    '@codex/email',
  ],
  '@codex/worker-runtime': ['@codex/database', '@codex/observability', '@codex/security'],
  '@codex/test-utils': ['@codex/database', '@codex/local-stripe'],
  '@codex/checkout-worker': [
    '@codex/database',
    '@codex/observability',
    '@codex/playback-grants',
    '@codex/purchases',
    '@codex/security',
    '@codex/validation',
    '@codex/worker-runtime',
  ],
  '@codex/stripe-webhook-handler': [
    '@codex/database',
    '@codex/email',
    '@codex/observability',
    '@codex/purchases',
    '@codex/security',
    '@codex/worker-runtime',
  ],
  '@codex/local-stack': [
    '@codex/database',
    '@codex/local-stripe',
    '@codex/observability',
    '@codex/playback-grants',
    '@codex/purchases',
    '@codex/security',
    '@codex/test-utils',
    '@codex/worker-runtime',
  ],
  '@codex/house-rules': [],
};

/** `@codex/name/sub/path` → `@codex/name`. */
const packageNameOf = (specifier: string) => specifier.split('/').slice(0, 2).join('/');

describe('the house', () => {
  it('knows every package, and every package with tests is a project of `pnpm test`', () => {
    expect(packages.map((pkg) => pkg.name).sort()).toEqual(Object.keys(allowedImports).sort());
    const projects = readFileSync(join(repositoryRoot, 'vitest.workspace.ts'), 'utf8');
    for (const pkg of packages) {
      const hasTests = sources.some(
        (file) => file.path.startsWith(`${pkg.folder}/`) && file.path.endsWith('.test.ts'),
      );
      if (hasTests) expect(projects, pkg.folder).toContain(`'${pkg.folder}'`);
    }
  });

  it('has dependencies that point one way: no package imports one above it', () => {
    const violations: string[] = [];
    for (const file of sources.filter((source) => !source.isTest)) {
      const owner = packageOf(file.path, packages);
      if (!owner) continue;
      const allowed = allowedImports[owner.name] ?? [];
      for (const specifier of importsOf(file.text).filter((s) => s.startsWith('@codex/'))) {
        const name = packageNameOf(specifier);
        if (name !== owner.name && !allowed.includes(name)) {
          violations.push(`${file.path} imports ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('declares at run time exactly what the code may import', () => {
    for (const pkg of packages) {
      const allowed = allowedImports[pkg.name] ?? [];
      for (const dependency of pkg.runtimeDependencies) {
        expect(allowed, `${pkg.name} depends on ${dependency}`).toContain(dependency);
      }
    }
  });

  it('keeps test scaffolding out of production code', () => {
    const violations = sources
      .filter((file) => !file.isTest)
      .flatMap((file) =>
        importsOf(file.text)
          .filter((specifier) => /(^|\/)testing(\/|$)/.test(specifier))
          .map((specifier) => `${file.path} imports ${specifier}`),
      );
    expect(violations).toEqual([]);
  });

  it('keeps source files readable: none over 400 lines, at most four over 300', () => {
    const production = sources.filter((file) => !file.isTest);
    const over400 = production.filter((file) => file.lines > 400).map((file) => file.path);
    const over300 = production.filter((file) => file.lines > 300).map((file) => file.path);
    expect(over400).toEqual([]);
    expect(over300.length, over300.join(', ')).toBeLessThanOrEqual(4);
  });

  it('gives every package a README that says what it must not import', () => {
    for (const pkg of packages) {
      const readme = join(repositoryRoot, pkg.folder, 'README.md');
      expect(existsSync(readme), `${pkg.folder}/README.md`).toBe(true);
      expect(readFileSync(readme, 'utf8'), `${pkg.folder}/README.md`).toMatch(
        /must\W+not\W+import|imports?\W+(no|nothing)\b/i,
      );
    }
  });
});

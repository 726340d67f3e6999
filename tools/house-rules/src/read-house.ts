import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: two floors above this package. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A workspace package: its folder (from the root), name and declared `@codex/*` dependencies. */
export interface HousePackage {
  folder: string;
  name: string;
  /** `dependencies` only: what the package may import at run time. */
  runtimeDependencies: string[];
  /** `dependencies`, `devDependencies` and `peerDependencies`. */
  allDependencies: string[];
}

/** A source file git tracks, with its text. */
export interface SourceFile {
  path: string;
  text: string;
  lines: number;
  /**
   * A test (`*.test.ts`) or test scaffolding: under a `testing/` folder, a fixture, a Vitest
   * configuration or the workers' Vitest project factory (`define-worker-project`).
   */
  isTest: boolean;
}

const SOURCE = /\.(ts|js|mjs|css|html)$/;

/** The files git tracks or would (not ignored), as paths from the root: what a commit holds. */
export function trackedFiles(): string[] {
  const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard'];
  return execFileSync('git', args, { cwd: repositoryRoot, encoding: 'utf8' })
    .split('\0')
    .filter((path) => path.length > 0);
}

/** Every workspace package (`packages/*`, `workers/*`, `tools/*`). */
export function housePackages(files = trackedFiles()): HousePackage[] {
  return files
    .filter((path) => /^(packages|workers|tools)\/[^/]+\/package\.json$/.test(path))
    .map((path) => {
      const manifest = JSON.parse(readFileSync(join(repositoryRoot, path), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      const ours = (deps: Record<string, string> | undefined) =>
        Object.keys(deps ?? {}).filter((name) => name.startsWith('@codex/'));
      return {
        folder: dirname(path),
        name: manifest.name,
        runtimeDependencies: ours(manifest.dependencies),
        allDependencies: [
          ...ours(manifest.dependencies),
          ...ours(manifest.devDependencies),
          ...ours(manifest.peerDependencies),
        ],
      };
    });
}

/** The tracked source files of the workspace packages (generated migrations and docs excluded). */
export function sourceFiles(files = trackedFiles()): SourceFile[] {
  return files
    .filter((path) => /^(packages|workers|tools)\//.test(path) && SOURCE.test(path))
    .filter((path) => !path.includes('/drizzle/') && existsSync(join(repositoryRoot, path)))
    .map((path) => {
      const text = readFileSync(join(repositoryRoot, path), 'utf8');
      return {
        path,
        text,
        lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
        isTest:
          /\.test\.ts$/.test(path) ||
          /\/testing(\/|\.ts$)/.test(path) ||
          /\/fixtures\//.test(path) ||
          /vitest\.config\.ts$/.test(path) ||
          /\/define-worker-project\.(js|d\.ts)$/.test(path),
      };
    });
}

/** The module specifiers a file imports or re-exports (static and dynamic). */
export function importsOf(text: string): string[] {
  const specifiers = new Set<string>();
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      if (match[1]) specifiers.add(match[1]);
    }
  }
  return [...specifiers];
}

/** The package a file belongs to. */
export function packageOf(path: string, packages: HousePackage[]): HousePackage | undefined {
  return packages.find((candidate) => !relative(candidate.folder, path).startsWith('..'));
}

import type { Reporter, TestModule, Vitest } from 'vitest/node';

export interface ZeroTestsReporterOptions {
  /**
   * Also fail when any listed project ran no test, or when any test was skipped or left as todo.
   * Meant for CI, where a project silently dropping out of the run must not pass unnoticed.
   */
  strict?: boolean;
}

/**
 * Fails a run that tested nothing. Vitest exits 0 when its configuration finds no test files in
 * some setups (a workspace file it no longer reads, a filter that matches nothing); this reporter
 * sets a failing exit code in that case and prints one summary line, `Tests: N passed, N failed,
 * N skipped`. In strict mode it also fails when a project collected no test or a test was skipped.
 */
export default class ZeroTestsReporter implements Reporter {
  private vitest: Vitest | undefined;
  private readonly strict: boolean;

  constructor(options: ZeroTestsReporterOptions = {}) {
    this.strict = options.strict ?? false;
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const perProject = new Map<string, number>();
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
        if (state === 'passed' || state === 'failed') {
          const project = testModule.project.name;
          perProject.set(project, (perProject.get(project) ?? 0) + 1);
        }
      }
    }

    console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    const problems: string[] = [];
    if (passed + failed === 0) problems.push('no test ran');
    if (this.strict) {
      for (const project of this.vitest?.projects ?? []) {
        if (!perProject.get(project.name)) problems.push(`project "${project.name}" ran no test`);
      }
      if (skipped > 0) problems.push(`${skipped} test(s) skipped or todo`);
    }
    if (problems.length > 0) {
      console.error(`Test run refused: ${problems.join('; ')}.`);
      process.exitCode = 1;
    }
  }
}

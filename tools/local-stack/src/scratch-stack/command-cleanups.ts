/** How to stop what a command (`pnpm bench`, `pnpm soak`) started. */
export interface CommandCleanups {
  /** Registers how to stop something just started. */
  add: (what: string, run: () => Promise<unknown>) => void;
  /** Runs the registered cleanups, newest first, exactly once; a failing one is reported. */
  cleanUp: () => Promise<void>;
}

/**
 * The cleanups of `command` (e.g. `pnpm bench`), run whatever ended the run: success, an error, an
 * uncaught exception or unhandled rejection (exit 1: something in this process, such as the
 * database bridge, died), a signal (exit 130 or 143) or the watchdog after `watchdogMs` (exit 1).
 * Installs the process handlers that do this.
 */
export function createCommandCleanups(command: string, watchdogMs: number): CommandCleanups {
  const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      for (const { what, run } of cleanups.reverse()) {
        await run().catch((error: unknown) => console.error(`${command}: ${what} failed:`, error));
      }
    })();
    return cleaning;
  };
  const abort = (reason: unknown, code: number) => {
    console.error(reason);
    void cleanUp().finally(() => process.exit(code));
  };
  const died = (how: string) => (error: unknown) => {
    console.error(`${command}: ${how} in this process (the database bridge runs here):`);
    abort(error, 1);
  };
  process.on('uncaughtException', died('uncaught exception'));
  process.on('unhandledRejection', died('unhandled rejection'));
  process.once('SIGINT', () => abort(`${command}: interrupted, cleaning up`, 130));
  process.once('SIGTERM', () => abort(`${command}: terminated, cleaning up`, 143));
  setTimeout(
    () => abort(`${command}: still running after ${watchdogMs / 1000} s, giving up`, 1),
    watchdogMs,
  ).unref();
  return {
    add: (what, run) => {
      cleanups.push({ what, run });
    },
    cleanUp,
  };
}

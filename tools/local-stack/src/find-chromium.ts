import { accessSync, constants } from 'node:fs';

/** Where Debian's packages put a Chromium that Playwright can drive. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-headless-shell'];

/**
 * The Chromium to drive: `CHROMIUM_PATH` if set, else Debian's `chromium` or
 * `chromium-headless-shell`; undefined if none is installed. (Playwright's own browser download
 * does not work offline; `.ci/run` installs the Debian package.)
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : CANDIDATES;
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The flags this machine's closed network needs (no background connections, no sandbox as root). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

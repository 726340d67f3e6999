/**
 * The player's playback grant loop (issue 23, decision 029): asks for a grant now, then again
 * after half of each grant's lifetime (`expiresInSeconds`, timed on this clock), so a fresh grant
 * is always in hand before the last one expires. A refusal (`NO_ACCESS`: a refund, a lost
 * dispute) ends the loop and calls `onRefused` once: the player stops. A transient failure (the
 * network, a rate limit, a 5xx) is retried every `retryMs` while the grant in hand still plays.
 *
 * So the player stops at most half a lifetime after access ends (30 s at the default 60 s), and a
 * client that ignores this loop keeps its last grant at most one lifetime (plus the verifier's
 * skew): the revocation bound the README states, measured by `revocation-bound.e2e.test.ts`.
 *
 * No DOM here: the page (`show-content.js`) and the Node test drive the same code.
 *
 * @param {object} options
 * @param {() => Promise<{ grant: string, expiresAt: string, expiresInSeconds: number }>} options.requestGrant
 *   asks the checkout worker; rejects with an error whose `isTransient` says whether to ask again
 * @param {(answer: { grant: string, expiresAt: string, expiresInSeconds: number }) => void} options.onGrant
 * @param {(error: unknown) => void} options.onRefused
 * @param {(error: unknown) => void} [options.onTransientError]
 * @param {number} [options.retryMs] default 2,000
 * @returns {{ stop: () => void }}
 */
export function startPlaybackGrantLoop({
  requestGrant,
  onGrant,
  onRefused,
  onTransientError = () => {},
  retryMs = 2_000,
}) {
  let timer;
  let stopped = false;
  const next = (ms) => {
    timer = setTimeout(ask, ms);
  };
  async function ask() {
    if (stopped) return;
    let answer;
    try {
      answer = await requestGrant();
    } catch (error) {
      if (stopped) return;
      if (error?.isTransient) {
        onTransientError(error);
        next(retryMs);
        return;
      }
      stopped = true;
      onRefused(error);
      return;
    }
    if (stopped) return;
    onGrant(answer);
    next((answer.expiresInSeconds * 1_000) / 2);
  }
  ask();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Options for {@link createFreshPlaybackGrant}. */
export interface FreshPlaybackGrantOptions {
  /** Asks for a new grant (the checkout worker's grant route); never timed by the bench. */
  issue: () => Promise<string>;
  /** A grant fetched longer ago than this is replaced before it is handed out again. */
  maxAgeMs: number;
  /** Milliseconds on a monotonic clock. Default `performance.now`. */
  now?: () => number;
}

/**
 * A grant to hand to the measured requests, fetched once and then again only when the one in hand
 * is older than `maxAgeMs`, so a run of any length never sends an expired grant and (almost) every
 * call costs nothing. Concurrent calls while a grant is being fetched share that fetch. Rejects
 * when `issue` does (the next call tries again).
 */
export function createFreshPlaybackGrant(
  options: FreshPlaybackGrantOptions,
): () => Promise<string> {
  const now = options.now ?? (() => performance.now());
  let current: { grant: Promise<string>; fetchedAt: number } | undefined;
  return () => {
    if (current === undefined || now() - current.fetchedAt > options.maxAgeMs) {
      const grant = options.issue();
      const fetching = { grant, fetchedAt: now() };
      current = fetching;
      grant.catch(() => {
        if (current === fetching) current = undefined;
      });
    }
    return current.grant;
  };
}

/** What the checkout worker's grant route answers with 200. */
interface PlaybackGrantAnswer {
  data?: { grant?: unknown };
}

/**
 * `POST <checkoutUrl>/api/purchases/access/<contentId>/grant` as the buyer of `headers`: the grant.
 * Throws with the status and body when the answer is not 200 with a grant.
 */
export async function issuePlaybackGrant(
  checkoutUrl: string,
  headers: Record<string, string>,
  contentId: string,
): Promise<string> {
  const response = await fetch(`${checkoutUrl}/api/purchases/access/${contentId}/grant`, {
    method: 'POST',
    headers,
  });
  const body = await response.text();
  let grant: unknown;
  try {
    grant = (JSON.parse(body) as PlaybackGrantAnswer).data?.grant;
  } catch {
    grant = undefined;
  }
  if (response.status !== 200 || typeof grant !== 'string') {
    throw new Error(
      `pnpm bench: the grant route answered ${response.status}: ${body.slice(0, 200)}`,
    );
  }
  return grant;
}

import { demoIds } from '../demo-data';
import type { PreparedRequest } from '../measure-sequential-latency';
import type { LatencyScenario } from './latency-scenario';
import type { BenchContext } from './start-bench-stack';

/** The range every verified play asks for: the first KiB, as a player's first request for a seek. */
export const PLAYBACK_RANGE = 'bytes=0-1023';

/** The media gate's path of the paid demo item's media, opened by `grant`. */
export const verifiedPlayPath = (grant: string) =>
  `/media/${demoIds.paidContent}?grant=${encodeURIComponent(grant)}`;

const isGrantAnswer = (status: number, body: string) => {
  if (status !== 200) return false;
  try {
    const { data } = JSON.parse(body) as { data?: { grant?: unknown; contentId?: unknown } };
    return typeof data?.grant === 'string' && data.contentId === demoIds.paidContent;
  } catch {
    return false;
  }
};

/**
 * Issue 23's two rows of the round-trips table: issuing a playback grant (the access check's one
 * statement, then a signature in the worker: one round trip) and a repeat play verified at the
 * media gate with a grant fetched before, untimed (no database at all: zero round trips).
 */
export function playbackGrantScenarios(context: BenchContext): LatencyScenario[] {
  const { stack, buyerHeaders, mediaGateUrl, playbackGrant } = context;
  return [
    {
      name: 'playback grant, issue',
      next: (): PreparedRequest => ({
        url: `${stack.checkoutUrl}/api/purchases/access/${demoIds.paidContent}/grant`,
        init: { method: 'POST', headers: buyerHeaders },
      }),
      isExpected: isGrantAnswer,
    },
    {
      name: 'playback grant, verified repeat play (media gate)',
      next: async (): Promise<PreparedRequest> => ({
        url: `${mediaGateUrl}${verifiedPlayPath(await playbackGrant())}`,
        init: { headers: { range: PLAYBACK_RANGE } },
      }),
      isExpected: (status) => status === 206,
    },
  ];
}

import { callApi } from './call-api.js';
import { el } from './dom.js';
import { config } from './load-config.js';
import { startPlaybackGrantLoop } from './playback-grant-loop.js';
import { clearError, showError } from './show-error.js';

/** Whether `pnpm dev` started a media gate: then the player plays real media through it. */
export const hasMediaGate = () => typeof config.mediaGateUrl === 'string';

/** Asks the checkout worker for a playback grant: `{ grant, expiresAt, expiresInSeconds }`. */
export async function requestPlaybackGrant(contentId) {
  const path = `/api/purchases/access/${encodeURIComponent(contentId)}/grant`;
  const { data } = await callApi(path, { method: 'POST' });
  return data;
}

const mediaUrl = (contentId, grant) =>
  `${config.mediaGateUrl}/media/${encodeURIComponent(contentId)}?grant=${encodeURIComponent(grant)}`;

/**
 * Plays `contentId` inside `player` through the media gate: a `<video>` whose source carries a
 * playback grant, and the grant loop (`playback-grant-loop.js`) keeping a fresh one in hand. The
 * element's source keeps the grant it started with while the browser has what it needs; when a
 * later range request fails (its grant expired: a long film), it goes on from the same moment with
 * the newest grant. When the checkout worker refuses a grant (a refund, a lost dispute), the media
 * stops and its source is dropped, and `onRefused` is called once.
 *
 * `player.dataset.playback` says where it stands: `starting`, `ready`, `playing`, `paused`,
 * `refused`; `player.dataset.grantExpiresAt` when the newest grant expires.
 */
export function playThroughGate(contentId, player, onRefused) {
  const video = el('video', { controls: '', loop: '', preload: 'auto', 'data-testid': 'media' });
  let newestGrant;
  let sourceGrant;
  player.replaceChildren(video);
  player.dataset.playback = 'starting';

  const load = (at, resume) => {
    sourceGrant = newestGrant;
    video.src = mediaUrl(contentId, newestGrant);
    if (at > 0) video.currentTime = at;
    if (resume) video.play().catch(() => {});
  };
  const stopMedia = () => {
    video.pause();
    video.removeAttribute('src');
    video.load();
  };
  video.addEventListener('error', () => {
    if (newestGrant !== undefined && newestGrant !== sourceGrant) {
      load(video.currentTime, true);
    }
  });
  video.addEventListener('playing', () => {
    player.dataset.playback = 'playing';
  });
  video.addEventListener('pause', () => {
    if (player.dataset.playback === 'playing') player.dataset.playback = 'paused';
  });

  const loop = startPlaybackGrantLoop({
    requestGrant: () => requestPlaybackGrant(contentId),
    onGrant: (answer) => {
      clearError('playback');
      newestGrant = answer.grant;
      player.dataset.grantExpiresAt = answer.expiresAt;
      if (sourceGrant === undefined) {
        load(0, false);
        player.dataset.playback = 'ready';
      }
    },
    onRefused: (error) => {
      stopMedia();
      player.dataset.playback = 'refused';
      onRefused(error);
    },
    onTransientError: (error) => showError(error, 'playback'),
  });
  return {
    stop() {
      loop.stop();
      stopMedia();
    },
  };
}

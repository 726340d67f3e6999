import { buyButton } from './buy-button.js';
import { callApi, hasAccess } from './call-api.js';
import { el, page } from './dom.js';
import { config } from './load-config.js';
import { hasMediaGate, playThroughGate } from './media-player.js';
import { clearError, showError } from './show-error.js';

const SESSION_POLL_MS = 1_500;
const SESSION_POLL_LIMIT_MS = 3 * 60_000;
const ACCESS_POLL_MS = 2_000;

const STATUS_SENTENCES = {
  pending: 'Waiting for the payment to settle…',
  completed: 'Payment received — enjoy!',
  failed: 'The payment failed. You were not charged; you can buy it again.',
};

/** The success page's panel: asks how the purchase stands, every 1.5 s while it is pending. */
function purchaseStatusPanel(sessionId, onCompleted) {
  const panel = el('p', { class: 'status', 'data-testid': 'purchase-status' }, 'Checking…');
  const deadline = Date.now() + SESSION_POLL_LIMIT_MS;
  const poll = async () => {
    try {
      const { data } = await callApi(`/api/checkout/sessions/${encodeURIComponent(sessionId)}`);
      clearError('session');
      panel.dataset.status = data.status;
      panel.textContent = STATUS_SENTENCES[data.status] ?? `Purchase status: ${data.status}`;
      if (data.status === 'completed') onCompleted();
      if (data.status !== 'pending') return;
    } catch (error) {
      showError(error, 'session');
      if (!error.isTransient) return; // NOT_FOUND and the like will not change by asking again
    }
    if (Date.now() >= deadline) {
      panel.append(' Still not settled after 3 minutes: reload the page to check again.');
      return;
    }
    setTimeout(poll, SESSION_POLL_MS);
  };
  poll();
  return panel;
}

/**
 * The item's page: Stripe's success page (`?purchase=success&session_id=…`, the purchase's status
 * polled while pending) and cancel page (`?purchase=cancelled`), and a player that unlocks while
 * the buyer has access, with Buy while it is locked.
 */
export function showContent(contentId) {
  const item = config.catalogue.find((candidate) => candidate.id === contentId);
  const title = item?.title ?? 'Unknown item';
  document.title = `${title} · Codex demo`;
  const params = new URLSearchParams(location.search);
  const player = el('div', { class: 'player', 'data-testid': 'player' }, 'Checking access…');
  const buy = buyButton(contentId, item);
  buy.hidden = true;

  // While locked, access is re-checked every 2 s, so a purchase completed elsewhere unlocks the
  // player without a reload. While unlocked with a media gate, the playback grant loop is the
  // check: one grant per half lifetime instead of an access check every 2 s (issue 23); a
  // refused grant locks the player and the 2 s checks resume. Without a gate (no grant keys), the
  // 2 s checks go on while unlocked too, as before.
  let timer;
  let playback;
  const lock = (sentence) => {
    playback = undefined;
    player.dataset.access = 'locked';
    player.textContent = sentence;
    buy.hidden = false;
  };
  const checkAccess = async () => {
    clearTimeout(timer);
    if (playback) return;
    try {
      const unlocked = await hasAccess(contentId);
      clearError('access');
      if (playback) return;
      if (unlocked && hasMediaGate()) {
        player.dataset.access = 'unlocked';
        buy.hidden = true;
        playback = playThroughGate(contentId, player, () => {
          lock('■ Access ended — playback stopped');
          timer = setTimeout(checkAccess, ACCESS_POLL_MS);
        });
        return;
      }
      if (unlocked) {
        player.dataset.access = 'unlocked';
        player.textContent = '▶ Unlocked — playing…';
        buy.hidden = true;
      } else {
        lock('■ Locked — buy it to watch');
      }
    } catch (error) {
      showError(error, 'access');
    }
    // A check run early (payment completed) may overlap the timed one: keep a single loop.
    clearTimeout(timer);
    timer = setTimeout(checkAccess, ACCESS_POLL_MS);
  };

  const back = el('a', { href: '/' }, '← Back to the catalogue');
  page.replaceChildren(el('p', {}, back), el('h1', {}, title));
  const sessionId = params.get('session_id');
  if (params.get('purchase') === 'success' && sessionId) {
    page.append(purchaseStatusPanel(sessionId, checkAccess));
  } else if (params.get('purchase') === 'cancelled') {
    const notice = 'Checkout cancelled — you were not charged.';
    page.append(el('p', { class: 'notice', 'data-testid': 'cancelled-notice' }, notice));
  }
  page.append(player, el('div', { class: 'actions' }, buy));
  checkAccess();
}

import { callStaffApi } from './call-api.js';
import { el, page } from './dom.js';
import { config } from './load-config.js';
import { reviewActions } from './review-actions.js';
import { reviewItem } from './review-item.js';
import { clearError, showError } from './show-error.js';

const REVIEW_PAGE_LIMIT = 50;
const STATES = { open: 'Open', resolved: 'Resolved' };

/** The two lists as links: `/review` (open flags) and `/review?state=resolved`. */
function stateLinks(current) {
  return el(
    'p',
    { class: 'review-states' },
    ...Object.entries(STATES).flatMap(([state, label], index) => {
      const href = state === 'open' ? '/review' : `/review?state=${state}`;
      const link =
        state === current
          ? el('strong', { 'data-testid': `review-state-${state}`, 'aria-current': 'page' }, label)
          : el('a', { href, 'data-testid': `review-state-${state}` }, label);
      return index === 0 ? [link] : [' · ', link];
    }),
  );
}

/**
 * The demo organization's review queue as its staff sees it (staff token: `GET
 * /api/organizations/<orgId>/review-queue?state=open|resolved`), newest first, the first 50: open
 * flags with their actions (review-actions.js), or, with `?state=resolved`, how each was closed.
 * An action's answer stays on the page; the flag moves to the resolved list.
 */
export async function showReview() {
  document.title = 'Review · Codex demo';
  if (!config.staff) {
    const none = 'No staff token: `pnpm dev` gives this page one for the demo organization.';
    page.replaceChildren(el('h1', {}, 'Review'), el('p', { class: 'muted' }, none));
    return;
  }
  const { staff } = config;
  const state =
    new URLSearchParams(location.search).get('state') === 'resolved' ? 'resolved' : 'open';
  const list = el('div', {
    class: 'review-list',
    'data-testid': 'review-list',
    'data-state': state,
  });
  const about = `As ${staff.userId} (owner or admin of the organization may act). Payments the money model does not settle alone: a double payment, a charge that does not match what was sold, money on a failed purchase.`;
  page.replaceChildren(
    el('h1', {}, `Review · ${staff.organizationName}`),
    el('p', { class: 'muted' }, about),
    stateLinks(state),
    list,
  );

  let items;
  let nextCursor;
  try {
    ({ data: items, nextCursor } = await callStaffApi(
      `/review-queue?state=${state}&limit=${REVIEW_PAGE_LIMIT}`,
    ));
    clearError('review');
  } catch (error) {
    showError(error, 'review');
    list.replaceChildren(el('p', {}, 'The review queue could not be read (see the error above).'));
    return;
  }
  if (items.length === 0) {
    const empty = state === 'open' ? 'Nothing to review.' : 'No resolved flags yet.';
    list.replaceChildren(el('p', { 'data-testid': 'review-empty' }, empty));
    list.dataset.loaded = 'true';
    return;
  }
  list.replaceChildren(
    ...items.map((item) => reviewItem(item, state === 'open' ? reviewActions(item) : undefined)),
    ...(nextCursor ? [el('p', { class: 'muted' }, `The newest ${REVIEW_PAGE_LIMIT} flags.`)] : []),
  );
  list.dataset.loaded = 'true';
}

import { callApi } from './call-api.js';
import { contentPath } from './content-path.js';
import { el, page } from './dom.js';
import { showError } from './show-error.js';

/** The library: what the buyer may play now, most recent purchase first (first page of 50). */
export async function showLibrary() {
  document.title = 'Library · Codex demo';
  const list = el('ul', { class: 'library' });
  page.replaceChildren(el('h1', {}, 'Library'), list);
  try {
    const { data } = await callApi('/api/library?limit=50');
    if (data.length === 0) list.append(el('li', { class: 'muted' }, 'Nothing to play yet.'));
    for (const item of data) {
      const purchased = new Date(item.purchasedAt).toLocaleString();
      list.append(
        el(
          'li',
          { 'data-testid': `library-item-${item.contentId}` },
          el('a', { href: contentPath(item.contentId) }, item.contentTitle),
          el('span', { class: 'muted' }, ` · bought ${purchased}`),
        ),
      );
    }
  } catch (error) {
    showError(error, 'library');
  }
}

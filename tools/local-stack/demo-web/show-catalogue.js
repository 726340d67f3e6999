import { buyButton } from './buy-button.js';
import { accessToMany } from './call-api.js';
import { contentPath } from './content-path.js';
import { el, page } from './dom.js';
import { formatPrice } from './format-price.js';
import { config } from './load-config.js';
import { showError } from './show-error.js';

/** The catalogue: per item, Buy (or "Get it free"), or Owned + Play. */
export function showCatalogue() {
  document.title = 'Catalogue · Codex demo';
  const list = el('ul', { class: 'catalogue' });
  page.replaceChildren(el('h1', {}, 'Catalogue'), list);
  const cards = new Map();
  for (const item of config.catalogue) {
    const actions = el('div', { class: 'actions' }, el('span', { class: 'muted' }, 'Checking…'));
    cards.set(item.id, actions);
    list.append(
      el(
        'li',
        { class: 'card', 'data-testid': `item-${item.id}` },
        el('h2', {}, el('a', { href: contentPath(item.id) }, item.title)),
        el('p', { class: 'description' }, item.description ?? ''),
        el('p', { class: 'price' }, formatPrice(item)),
        actions,
      ),
    );
  }
  // Every item's ownership in one request, as a catalogue page of 50 items would ask.
  accessToMany(config.catalogue.map((item) => item.id))
    .catch((error) => {
      showError(error, 'access'); // offer Buy anyway: it reports its own error
      return {};
    })
    .then((access) => {
      for (const item of config.catalogue) {
        const badge = el('span', { class: 'badge', 'data-testid': 'owned-badge' }, 'Owned');
        const play = el('a', { href: contentPath(item.id) }, 'Play');
        const owned = access[item.id.toLowerCase()] === true;
        cards.get(item.id).replaceChildren(...(owned ? [badge, play] : [buyButton(item.id, item)]));
      }
    });
}

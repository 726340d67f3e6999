import { ApiError } from './call-api.js';
import { el, page } from './dom.js';
import { clearError, showError } from './show-error.js';

/** The local mailbox: every e-mail the workers sent under `pnpm dev`, newest first. */
export function showMailbox() {
  document.title = 'Mailbox · Codex demo';
  const list = el('div', { class: 'mailbox' });
  page.replaceChildren(
    el('h1', {}, 'Mailbox'),
    el('p', { class: 'muted' }, 'E-mails the workers sent to the local mailbox (.data/mailbox).'),
    list,
  );
  let shown = '';
  const refresh = async () => {
    try {
      const response = await fetch('/mailbox.json', { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET /mailbox.json answered ${response.status}`);
      const { data } = await response.json();
      const key = data.map((message) => message.id).join(',');
      if (key === shown) return;
      shown = key;
      if (data.length === 0) {
        list.replaceChildren(el('p', { class: 'muted' }, 'No e-mail yet.'));
        return;
      }
      list.replaceChildren(
        ...data.map((message) =>
          el(
            'article',
            { class: 'mail', 'data-testid': 'mailbox-message', 'data-subject': message.subject },
            el('h2', {}, message.subject),
            el(
              'p',
              { class: 'muted' },
              `To ${message.to.join(', ')} · ${new Date(message.receivedAt).toLocaleString()}`,
            ),
            el('pre', {}, message.text),
          ),
        ),
      );
      clearError('mailbox');
    } catch (error) {
      showError(new ApiError('MAILBOX_UNAVAILABLE', error.message), 'mailbox');
    }
  };
  refresh();
  setInterval(refresh, 2_000);
}

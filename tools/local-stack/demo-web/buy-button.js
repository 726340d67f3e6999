import { ApiError, callApi } from './call-api.js';
import { contentPath } from './content-path.js';
import { el } from './dom.js';
import { clearError, showError } from './show-error.js';

/** The Buy button: starts checkout, then goes to Stripe, or to the item when it was free. */
export function buyButton(contentId, item) {
  const label = item?.priceCents === 0 ? 'Get it free' : 'Buy';
  const button = el('button', { type: 'button', 'data-testid': 'buy' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    clearError();
    try {
      const { data } = await callApi('/api/checkout', { method: 'POST', body: { contentId } });
      if (data?.status === 'free_access_granted') {
        location.assign(contentPath(contentId));
      } else if (/^https?:\/\//.test(data?.checkoutUrl ?? '')) {
        location.assign(data.checkoutUrl);
      } else {
        throw new ApiError('UNEXPECTED_RESPONSE', `Unexpected checkout answer: ${data?.status}`);
      }
      // Leaving the page: the button stays disabled so it cannot be pressed twice.
    } catch (error) {
      showError(error);
      button.disabled = false;
    }
  });
  return button;
}

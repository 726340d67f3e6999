import { ApiError } from './call-api.js';

const errorBox = document.querySelector('[data-testid="error"]');

/** `CODE: message (request <id>)`: an error as the page shows it (`ERROR` when not an ApiError). */
export function describeError(error) {
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const requestId =
    error instanceof ApiError && error.requestId ? ` (request ${error.requestId})` : '';
  return `${code}: ${error.message}${requestId}`;
}

/**
 * Shows an error in the error line. `source` names who showed it, so that a poll that succeeds
 * again clears its own error and not, say, a failed purchase's.
 */
export function showError(error, source = 'action') {
  errorBox.textContent = describeError(error);
  errorBox.dataset.source = source;
  errorBox.hidden = false;
}

/** Hides the error line if `source` showed what it says. */
export function clearError(source = 'action') {
  if (errorBox.dataset.source !== source) return;
  errorBox.textContent = '';
  delete errorBox.dataset.source;
  errorBox.hidden = true;
}

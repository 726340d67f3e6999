import { ApiError } from './call-api.js';
import { el } from './dom.js';
import { config } from './load-config.js';
import { clearError, showError } from './show-error.js';

/**
 * `GET …/earnings/export` with the staff token (a plain link cannot send it), saved as
 * `earnings-<orgId>.csv` through a Blob URL.
 */
async function downloadEarnings() {
  const organization = encodeURIComponent(config.staff.organizationId);
  const path = `/api/organizations/${organization}/earnings/export`;
  let response;
  try {
    response = await fetch(`${config.apiBaseUrl}${path}`, {
      headers: { Authorization: `Bearer ${config.staff.token}` },
    });
  } catch {
    throw new ApiError('NETWORK_ERROR', `Cannot reach the API at ${config.apiBaseUrl}`);
  }
  if (!response.ok) {
    const error = (await response.json().catch(() => undefined))?.error;
    throw new ApiError(
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? 'Export failed',
      response.status,
      error?.requestId,
    );
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: `earnings-${config.staff.organizationId}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The "Download CSV" link of the ledger (every line, the export's columns). */
export function earningsExportLink() {
  const link = el(
    'a',
    { href: '#', 'data-testid': 'earnings-export' },
    'Download the ledger (CSV)',
  );
  link.addEventListener('click', (event) => {
    event.preventDefault();
    downloadEarnings().then(
      () => clearError('export'),
      (error) => showError(error, 'export'),
    );
  });
  return el('p', {}, link);
}

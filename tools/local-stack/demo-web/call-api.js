import { config } from './load-config.js';

/** An API error body `{ error: { code, message, requestId } }`, or a failure to reach the API. */
export class ApiError extends Error {
  constructor(code, message, status = 0, requestId = undefined) {
    super(message);
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }

  /** Worth asking again: the network, a rate limit or a server error. */
  get isTransient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/**
 * Calls the checkout worker as the buyer (or with `token`, e.g. the staff's); resolves with the
 * JSON body, rejects with an ApiError.
 */
export async function callApi(
  path,
  { method = 'GET', body, token = config.token, headers: extra } = {},
) {
  const headers = { ...extra, Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`${config.apiBaseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    // The browser hides why (offline, worker down, or CORS refusing this origin).
    throw new ApiError(
      'NETWORK_ERROR',
      `Cannot reach the API at ${config.apiBaseUrl} (is it running, and does it allow this origin?)`,
    );
  }
  const json = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = json?.error;
    throw new ApiError(
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? (response.statusText || 'Request failed'),
      response.status,
      error?.requestId,
    );
  }
  return json;
}

/** Calls one of the demo organization's staff routes (`/api/organizations/<orgId>…`) as its staff. */
export function callStaffApi(path, options = {}) {
  const organization = encodeURIComponent(config.staff.organizationId);
  return callApi(`/api/organizations/${organization}${path}`, {
    ...options,
    token: config.staff.token,
  });
}

/** Ownership of many items in one request: `{ "<id>": true|false }`. */
export async function accessToMany(contentIds) {
  const { access } = await callApi('/api/purchases/access', {
    method: 'POST',
    body: { contentIds },
  });
  return access;
}

/** Whether the buyer may play `contentId` now. */
export async function hasAccess(contentId) {
  const { hasAccess } = await callApi(`/api/purchases/access/${encodeURIComponent(contentId)}`);
  return hasAccess === true;
}

/**
 * The settings the server hands every visitor (`/config.json`): `apiBaseUrl`, the buyer's `token`
 * and `customerId`, the `catalogue`, and when there are some `staff` and `stripeDashboardUrl`.
 * Undefined until {@link loadConfig} has resolved: modules read it when they run, not on import.
 */
export let config;

/** Reads `/config.json` into {@link config}; rejects when it cannot be read. */
export async function loadConfig() {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /config.json answered ${response.status}`);
  config = await response.json();
}

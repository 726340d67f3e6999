import type { Context } from 'hono';

/** IPv4 or IPv6 characters, as Cloudflare writes them. */
const IP_ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The client's IP address from `CF-Connecting-IP` (set by Cloudflare, which overwrites any value
 * the client sends), for a per-IP rate-limit key when there is no customer yet. Returns `unknown`
 * when the header is absent or does not look like an IP address (e.g. locally, where all such
 * requests then share one key). Never throws.
 */
export function clientIp(c: Context): string {
  const value = c.req.header('CF-Connecting-IP')?.trim();
  return value !== undefined && IP_ADDRESS.test(value) ? value : 'unknown';
}

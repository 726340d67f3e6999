/** The webhook worker's Cron Trigger, as `wrangler.jsonc` declares it. */
export const WEBHOOK_WORKER_CRON = '*/10 * * * *';

/**
 * Runs the webhook worker's scheduled handler now, as Cloudflare would on its Cron Trigger
 * (`wrangler dev` never fires crons: `/cdn-cgi/handler/scheduled` does). Resolves when the worker
 * has answered; its `waitUntil` work (reconciliation, the e-mail outbox's due rows) goes on after
 * that. Throws when the worker answers anything but 2xx or cannot be reached.
 */
export async function fireCron(webhooksUrl: string): Promise<void> {
  const url = new URL('/cdn-cgi/handler/scheduled', webhooksUrl);
  url.searchParams.set('cron', WEBHOOK_WORKER_CRON);
  const response = await fetch(url);
  await response.body?.cancel();
  if (!response.ok) throw new Error(`scheduled handler answered ${response.status}`);
}

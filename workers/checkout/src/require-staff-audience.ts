import { ApiError } from '@codex/security';
import type { MiddlewareHandler } from 'hono';
import type { CheckoutEnv } from './context';

/**
 * Fails the organization routes closed when `AUTH_STAFF_AUDIENCE` is not set: every request is
 * refused with 500 (logged as a misconfiguration), as `requireConfig` does for a missing binding,
 * while the buyer routes go on answering. Without it `buyerAuth` would check no audience at all.
 */
export const requireStaffAudience = (): MiddlewareHandler<CheckoutEnv> =>
  async function requireStaffAudience(c, next) {
    if (c.var.config.AUTH_STAFF_AUDIENCE === undefined) {
      c.var.logger.error('worker misconfigured', {
        problems: ['AUTH_STAFF_AUDIENCE: missing: the organization routes refuse every request'],
      });
      throw new ApiError('INTERNAL_ERROR', 'Internal server error');
    }
    await next();
  };

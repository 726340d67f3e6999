import { type StubResponse, stripeError } from '../api/stripe-error';
import type {
  RecordedStripeRequest,
  StripeStubRule,
  StripeStubRuleResponse,
} from '../stripe-stub-types';

interface ActiveRule {
  rule: StripeStubRule;
  remaining: number;
}

/**
 * The rules a test set on the stub ({@link StripeStubRule}), in the order they were added: the
 * first matching rule with uses left answers a Stripe API request instead of the stub.
 */
export function createRuleSet() {
  let rules: ActiveRule[] = [];

  return {
    /** Adds a rule; returns its remover. */
    add(rule: StripeStubRule): () => void {
      const active: ActiveRule = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
      rules.push(active);
      return () => {
        rules = rules.filter((candidate) => candidate !== active);
      };
    },

    /** What the first matching rule with uses left answers (using it once), or undefined. */
    take(request: RecordedStripeRequest): StripeStubRuleResponse | undefined {
      const active = rules.find(({ rule, remaining }) => remaining > 0 && matches(rule, request));
      if (!active) return undefined;
      active.remaining -= 1;
      return active.rule.respond;
    },

    clear(): void {
      rules = [];
    },
  };
}

/** A rule's `{ status, body? }` as a response: with status >= 400 and no body, Stripe's `api_error`. */
export function ruleResponse({ status, body }: { status: number; body?: unknown }): StubResponse {
  if (body !== undefined) return { status, body };
  if (status < 400) return { status, body: {} };
  return stripeError(status, {
    type: 'api_error',
    message: `Simulated failure: a Stripe stub rule answered ${status}.`,
  });
}

function matches({ match }: StripeStubRule, request: RecordedStripeRequest): boolean {
  const { method, path, form = {} } = match;
  if (method !== undefined && method.toUpperCase() !== request.method) return false;
  if (typeof path === 'string' && path !== request.path) return false;
  // `search` ignores `lastIndex`, so a pattern with the g flag matches every time.
  if (path instanceof RegExp && request.path.search(path) === -1) return false;
  return Object.entries(form).every(([key, value]) => request.form[key] === value);
}

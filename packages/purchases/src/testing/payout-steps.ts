import { eq, salePayouts } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { TEST_STAFF_OWNER, type TestWorld } from './test-world';

/**
 * The payout tests' steps on a {@link TestWorld}: onboarding an organization's account at the
 * stand-in (completed or left with requirements due), Connect events delivered as the Connect
 * endpoint delivers them, the account's balance and transfers read back from the stand-in.
 */
export function payoutSteps(world: () => TestWorld) {
  const owner = (organizationId: string) => ({ organizationId, userId: TEST_STAFF_OWNER });

  async function deliverConnect(events: readonly StripeStubEvent[]) {
    for (const event of events) {
      await world()
        .payouts()
        .handleConnectEvent(JSON.parse(JSON.stringify(event)));
    }
  }

  /**
   * The owner starts onboarding and finishes Stripe's form (or leaves requirements due); the
   * `account.updated` events are answered, not delivered, unless `deliver`.
   */
  async function onboard(
    organizationId: string,
    options: { leaveDue?: boolean; deliver?: boolean } = {},
  ) {
    const link = await world().payouts().startOnboarding(owner(organizationId));
    const events = world().stub.completeAccountOnboarding(link.stripeAccountId, {
      leaveDue: options.leaveDue ?? false,
    });
    if (options.deliver ?? true) await deliverConnect(events);
    return { accountId: link.stripeAccountId, events };
  }

  /** The account's available balance in `currency` at the stand-in. */
  function balanceOf(accountId: string | undefined, currency = 'usd'): number {
    const balance = world().stub.balanceOf(accountId);
    return balance.available
      .filter((entry) => entry.currency === currency)
      .reduce((sum, entry) => sum + entry.amount, 0);
  }

  function transfersTo(accountId: string) {
    return world()
      .stub.listTransfers()
      .filter((transfer) => transfer.destination === accountId);
  }

  async function payoutRow(purchaseId: string) {
    const [row] = await world()
      .db.select()
      .from(salePayouts)
      .where(eq(salePayouts.purchaseId, purchaseId));
    return row;
  }

  return { owner, deliverConnect, onboard, balanceOf, transfersTo, payoutRow };
}

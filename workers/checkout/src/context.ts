import type {
  BuyerService,
  FulfillmentService,
  PurchaseService,
  RefundService,
  SalesService,
} from '@codex/purchases';
import type { OrganizationRoles } from '@codex/security';
import type { WorkerVariables } from '@codex/worker-runtime';
import type { CheckoutBindings, CheckoutConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface CheckoutVariables extends WorkerVariables<CheckoutConfig> {
  /** Set by buyer auth: the verified JWT `sub`. */
  customerId: string;
  /** Set by buyer auth: the token's `email` claim, if valid. Personal data: never logged. */
  customerEmail: string | undefined;
  /** Set by buyer auth: the token's `orgs` claim, staff roles by organization id (often empty). */
  organizationRoles: OrganizationRoles;
  /** Built on first use, on `database()` and `stripe()`. */
  purchases: () => PurchaseService;
  /** Same lifetime as `purchases`. */
  fulfillment: () => FulfillmentService;
  /** The buyer's reads (history, library, batch access): the one-request transport only. */
  buyer: () => BuyerService;
  /** An organization's sales reads (list, summary, export pages): the one-request transport only. */
  sales: () => SalesService;
  /** Refunds issued by an organization's staff: the one-request transport and Stripe. */
  refunds: () => RefundService;
}

export interface CheckoutEnv {
  Bindings: CheckoutBindings;
  Variables: CheckoutVariables;
}

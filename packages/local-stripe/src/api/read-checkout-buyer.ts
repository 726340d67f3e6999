import type { CustomerUpdate } from './checkout-session-types';
import type { StripeStubCustomer } from './customer-store';
import { isTaxLocation } from './read-address';
import {
  oneOf,
  type Params,
  readEnum,
  readObject,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure, type StripeFailure } from './stripe-error';

/** Who pays, as a new Checkout Session names them. */
export interface CheckoutBuyer {
  customer: string | null;
  customerEmail: string | null;
  customerCreation: 'always' | 'if_required' | null;
  customerUpdate: CustomerUpdate | null;
}

const CUSTOMER_CREATION = ['always', 'if_required'] as const;
const AUTO_OR_NEVER = ['auto', 'never'] as const;

/**
 * The buyer parameters of `POST /v1/checkout/sessions`, with Stripe's rules for them
 * (https://docs.stripe.com/api/checkout/sessions/create):
 * - `customer` must exist (`resource_missing`) and excludes `customer_email` and
 *   `customer_creation` ("You may only specify one of these parameters: …");
 * - `customer_creation` is `always` or `if_required` (payment and setup mode only: the stub
 *   knows payment mode only);
 * - `customer_update[address|name|shipping]` is `auto` or `never`, and only with `customer`
 *   ("`customer_update` can only be used with `customer`.");
 * - automatic tax with a `customer` needs a tax location on that Customer, unless the session
 *   saves the address entered (`customer_update[address]` or `[shipping]` = `auto`):
 *   `customer_tax_location_invalid` (https://docs.stripe.com/tax/checkout#existing-customers,
 *   https://docs.stripe.com/error-codes#customer-tax-location-invalid); Stripe's message, seen in
 *   its answers, is quoted; the `param` it names, if any, is not documented and left out.
 * Never throws.
 */
export function readCheckoutBuyer(
  params: Params,
  {
    automaticTax,
    findCustomer,
  }: {
    automaticTax: boolean;
    findCustomer: (id: string) => StripeStubCustomer | undefined;
  },
): CheckoutBuyer | StripeFailure {
  const read = readParams(params, {
    customer: readString,
    customer_email: readString,
    customer_creation: oneOf(CUSTOMER_CREATION),
  });
  if (isStripeFailure(read)) return read;
  const { customer, customer_email: customerEmail, customer_creation: creation } = read;
  if (customer !== undefined && customerEmail !== undefined) {
    return invalidRequest(
      'You may only specify one of these parameters: customer, customer_email.',
      {
        param: 'customer_email',
      },
    );
  }
  if (customer !== undefined && creation !== undefined) {
    // Stripe names `customer` here (seen in its answer; not documented).
    return invalidRequest(
      'You may only specify one of these parameters: customer, customer_creation.',
      { param: 'customer' },
    );
  }
  const update = readCustomerUpdate(params);
  if (isStripeFailure(update)) return update;
  if (update !== undefined && customer === undefined) {
    return invalidRequest('`customer_update` can only be used with `customer`.', {
      param: 'customer_update',
    });
  }
  const found = customer === undefined ? undefined : findCustomer(customer);
  if (customer !== undefined && !found) {
    return invalidRequest(`No such customer: '${customer}'`, {
      code: 'resource_missing',
      param: 'customer',
    });
  }
  const savesAddress = update?.address === 'auto' || update?.shipping === 'auto';
  if (automaticTax && found && !isTaxLocation(found.address) && !savesAddress) {
    return invalidRequest(
      "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
      { code: 'customer_tax_location_invalid' },
    );
  }
  return {
    customer: customer ?? null,
    customerEmail: customerEmail ?? null,
    customerCreation: creation ?? null,
    customerUpdate: update ?? null,
  };
}

/** `customer_update[address|name|shipping]`, each `auto` or `never` (default `never`). */
function readCustomerUpdate(params: Params): CustomerUpdate | undefined | StripeFailure {
  const update = readObject(params, 'customer_update');
  if (isStripeFailure(update) || update === undefined) return update;
  const refused = rejectUnknownParams(update, ['address', 'name', 'shipping'], 'customer_update');
  if (refused) return refused;
  const fields: CustomerUpdate = { address: 'never', name: 'never', shipping: 'never' };
  for (const field of ['address', 'name', 'shipping'] as const) {
    const value = readEnum(update, field, AUTO_OR_NEVER, `customer_update[${field}]`);
    if (isStripeFailure(value)) return value;
    if (value !== undefined) fields[field] = value;
  }
  return fields;
}

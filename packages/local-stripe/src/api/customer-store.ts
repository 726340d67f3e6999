import { randomId } from './random-id';
import { type Params, readString, readStringMap, rejectUnknownParams } from './read-params';
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

/** A Customer as the stub stores and serves it: the fields our code reads. */
export type StripeStubCustomer = {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
};

const CUSTOMER_PARAMS = ['email', 'name', 'metadata', 'expand'];
const MAX_EMAIL_LENGTH = 512;

/**
 * The stub's Customers: `POST /v1/customers`, `GET /v1/customers/:id` and `POST
 * /v1/customers/:id` with `email`, `name` and `metadata` validated as Stripe does (unknown
 * parameters refused). Pure state; every method returns a copy or Stripe's refusal, never throws.
 */
export function createCustomerStore(nowSeconds: () => number) {
  const customers = new Map<string, StripeStubCustomer>();

  return {
    create(params: Params): StripeStubCustomer | StripeFailure {
      const fields = readCustomerParams(params);
      if (isStripeFailure(fields)) return fields;
      const customer: StripeStubCustomer = {
        id: randomId('cus_', 14),
        object: 'customer',
        email: fields.email ?? null,
        name: fields.name ?? null,
        metadata: withoutEmptyValues(fields.metadata ?? {}),
        created: nowSeconds(),
        livemode: false,
      };
      customers.set(customer.id, customer);
      return structuredClone(customer);
    },

    /** An update: `email` or `name` set to '' unsets it; `metadata` merges, '' deletes a key. */
    update(id: string, params: Params): StripeStubCustomer | StripeFailure {
      const customer = customers.get(id);
      if (!customer) return noSuch('customer', id);
      const fields = readCustomerParams(params);
      if (isStripeFailure(fields)) return fields;
      if (fields.email !== undefined) customer.email = fields.email;
      if (fields.name !== undefined) customer.name = fields.name;
      if (fields.metadata !== undefined) {
        const kept = fields.clearsMetadata ? {} : customer.metadata;
        customer.metadata = withoutEmptyValues({ ...kept, ...fields.metadata });
      }
      return structuredClone(customer);
    },

    retrieve(id: string): StripeStubCustomer | undefined {
      const customer = customers.get(id);
      return customer && structuredClone(customer);
    },

    /** Every customer, oldest first (copies). */
    all(): StripeStubCustomer[] {
      return [...customers.values()].map((customer) => structuredClone(customer));
    },

    reset(): void {
      customers.clear();
    },
  };
}

/** The stub's Customers; see {@link createCustomerStore}. */
export type CustomerStore = ReturnType<typeof createCustomerStore>;

interface CustomerFields {
  /** null: unset (sent as ''). */
  email?: string | null;
  name?: string | null;
  /** '' values delete keys. */
  metadata?: Record<string, string>;
  /** `metadata` itself was sent as '': every key goes. */
  clearsMetadata?: boolean;
}

function readCustomerParams(params: Params): CustomerFields | StripeFailure {
  const refused = rejectUnknownParams(params, CUSTOMER_PARAMS);
  if (refused) return refused;
  const email = readString(params, 'email');
  if (isStripeFailure(email)) return email;
  // Stripe's own check is looser than RFC 5322 and not documented; this refuses what it surely does.
  if (email && (email.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(email))) {
    return invalidRequest(`Invalid email address: ${email}`, { param: 'email' });
  }
  const name = readString(params, 'name');
  if (isStripeFailure(name)) return name;
  let metadata: Record<string, string> | undefined;
  // `metadata=` (an empty string) clears every key, as on Stripe.
  if (params.metadata === '') metadata = {};
  else {
    const read = readStringMap(params, 'metadata');
    if (isStripeFailure(read)) return read;
    metadata = read;
  }
  return {
    ...(email === undefined ? {} : { email: email === '' ? null : email }),
    ...(name === undefined ? {} : { name: name === '' ? null : name }),
    ...(metadata === undefined ? {} : { metadata }),
    clearsMetadata: params.metadata === '',
  };
}

function withoutEmptyValues(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([, value]) => value !== ''));
}

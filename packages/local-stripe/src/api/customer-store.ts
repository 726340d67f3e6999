import { randomId } from './random-id';
import { type Address, readAddress } from './read-address';
import { mergeMetadata, readMetadata } from './read-metadata';
import { type Params, readParams, readString, rejectUnknownParams } from './read-params';
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

/** A Customer as the stub stores and serves it: the fields our code reads. */
export type StripeStubCustomer = {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  /** The billing address: set through the API or saved by a Checkout Session (`customer_update[address]=auto`). */
  address: Address | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
};

const CUSTOMER_PARAMS = ['address', 'email', 'name', 'metadata', 'expand'];
const MAX_EMAIL_LENGTH = 512;

/**
 * The stub's Customers: `POST /v1/customers`, `GET /v1/customers/:id` and `POST
 * /v1/customers/:id` with `email`, `name`, `address` and `metadata` validated as Stripe does
 * (unknown parameters refused, metadata within Stripe's limits). Pure state; every method returns
 * a copy or Stripe's refusal, never throws.
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
        address: fields.address ?? null,
        metadata: withoutEmptyValues(fields.metadata?.metadata ?? {}),
        created: nowSeconds(),
        livemode: false,
      };
      customers.set(customer.id, customer);
      return structuredClone(customer);
    },

    /**
     * An update: `email`, `name` or `address` set to '' unsets it; `metadata` merges, '' deletes
     * a key, `metadata=` clears every key.
     */
    update(id: string, params: Params): StripeStubCustomer | StripeFailure {
      const customer = customers.get(id);
      if (!customer) return noSuch('customer', id);
      const fields = readCustomerParams(params);
      if (isStripeFailure(fields)) return fields;
      const metadata = fields.metadata && mergeMetadata(customer.metadata, fields.metadata);
      if (isStripeFailure(metadata)) return metadata;
      if (fields.email !== undefined) customer.email = fields.email;
      if (fields.name !== undefined) customer.name = fields.name;
      if (fields.address !== undefined) customer.address = fields.address;
      if (metadata) customer.metadata = metadata;
      return structuredClone(customer);
    },

    /**
     * A Customer a Checkout Session creates on completion (`customer_creation: 'always'`, as
     * Stripe does): the buyer's email and billing address.
     */
    createForSession(fields: {
      email: string | null;
      address: Address | null;
    }): StripeStubCustomer {
      const customer: StripeStubCustomer = {
        id: randomId('cus_', 14),
        object: 'customer',
        email: fields.email,
        name: null,
        address: fields.address && { ...fields.address },
        metadata: {},
        created: nowSeconds(),
        livemode: false,
      };
      customers.set(customer.id, customer);
      return structuredClone(customer);
    },

    /** Saves the address a completed session collected (`customer_update[address]=auto`). */
    saveAddress(id: string, address: Address): void {
      const customer = customers.get(id);
      if (customer) customer.address = { ...address };
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
  address?: Address | null;
  /** '' values delete keys; `isCleared`: `metadata` itself was sent as '', every key goes. */
  metadata?: { metadata: Record<string, string>; isCleared: boolean };
}

function readCustomerParams(params: Params): CustomerFields | StripeFailure {
  const refused = rejectUnknownParams(params, CUSTOMER_PARAMS);
  if (refused) return refused;
  const read = readParams(params, {
    email: readString,
    name: readString,
    address: readAddress,
    metadata: readMetadata,
  });
  if (isStripeFailure(read)) return read;
  const { email, name, address, metadata } = read;
  // Stripe's own check is looser than RFC 5322 and not documented; this refuses what it surely does.
  if (email && (email.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(email))) {
    return invalidRequest(`Invalid email address: ${email}`, { param: 'email' });
  }
  return {
    ...(email === undefined ? {} : { email: email === '' ? null : email }),
    ...(name === undefined ? {} : { name: name === '' ? null : name }),
    ...(address === undefined ? {} : { address }),
    ...(metadata === undefined ? {} : { metadata }),
  };
}

function withoutEmptyValues(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([, value]) => value !== ''));
}

import { type Params, readString, rejectUnknownParams } from './read-params';
import { invalidRequest, isStripeFailure, type StripeFailure } from './stripe-error';

/** A postal address as Stripe's objects carry it (every field present, null when unknown). */
export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  /** Two-letter ISO code, upper case. */
  country: string | null;
}

const ADDRESS_FIELDS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/**
 * An optional `address[...]` parameter (https://docs.stripe.com/api/customers/create#create_customer-address):
 * undefined when absent, null when sent as '' (unset), else the address with every field.
 */
export function readAddress(
  params: Params,
  name: string,
): Address | null | undefined | StripeFailure {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalidRequest(`Invalid object: ${name} must be an object.`, { param: name });
  }
  const fields = value as Params;
  const refused = rejectUnknownParams(fields, ADDRESS_FIELDS, name);
  if (refused) return refused;
  const address: Address = {
    line1: null,
    line2: null,
    city: null,
    state: null,
    postal_code: null,
    country: null,
  };
  for (const field of ADDRESS_FIELDS) {
    const read = readString(fields, field);
    if (isStripeFailure(read))
      return { ...read, error: { ...read.error, param: `${name}[${field}]` } };
    if (read !== undefined && read !== '') address[field] = read;
  }
  if (address.country !== null && !/^[A-Za-z]{2}$/.test(address.country)) {
    return invalidRequest(
      `Country '${address.country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`,
      {
        param: `${name}[country]`,
      },
    );
  }
  if (address.country !== null) address.country = address.country.toUpperCase();
  return address;
}

/**
 * True when Stripe Tax can place the address (https://docs.stripe.com/tax/customer-locations):
 * a country, and in the United States a postal code, in Canada a postal code or province.
 */
export function isTaxLocation(address: Address | null): boolean {
  if (address?.country == null) return false;
  if (address.country === 'US') return address.postal_code !== null;
  if (address.country === 'CA') return address.postal_code !== null || address.state !== null;
  return true;
}

/** Where the stand-in's buyer lives unless a payment says otherwise (Stripe's own office). */
export const DEFAULT_BILLING_ADDRESS: Address = {
  line1: '354 Oyster Point Blvd',
  line2: null,
  city: 'South San Francisco',
  state: 'CA',
  postal_code: '94080',
  country: 'US',
};

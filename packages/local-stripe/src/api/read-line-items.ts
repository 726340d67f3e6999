import type { StripeStubLineItem } from './checkout-session-types';
import type { TaxBehavior } from './compute-session-totals';
import { readMetadata } from './read-metadata';
import { type Params, readEnum, readObject, readString, rejectUnknownParams } from './read-params';
import { invalidRequest, isStripeFailure, missingParam, type StripeFailure } from './stripe-error';

const TAX_BEHAVIORS: ReadonlyArray<TaxBehavior> = ['exclusive', 'inclusive', 'unspecified'];
// Stripe: "For payment mode, there is a maximum of 100 line items"
// (https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-line_items).
const MAX_LINE_ITEMS = 100;

/**
 * The `line_items` of a `POST /v1/checkout/sessions` as Stripe validates the parameters our code
 * sends: each a `quantity` and `price_data` (`currency`, an integer `unit_amount`, `product_data`
 * with a `name` and optional non-empty `description` and `metadata` within Stripe's limits, an
 * optional `tax_behavior`), all in one currency, at most 100; a `price` id is unknown (the stub
 * holds no Price objects), any other parameter is refused as unknown. With `automaticTax`, every
 * item must say whether its price includes tax (the stub's account sets no default). Never throws.
 */
export function readLineItems(
  params: Params,
  automaticTax: boolean,
): StripeStubLineItem[] | StripeFailure {
  const value = params.line_items;
  if (value === undefined || value === '') return missingParam('line_items');
  if (!Array.isArray(value)) {
    return invalidRequest('Invalid array: line_items must be an array.', { param: 'line_items' });
  }
  if (value.length > MAX_LINE_ITEMS) {
    return invalidRequest(`line_items: this value must have at most ${MAX_LINE_ITEMS} items.`, {
      param: 'line_items',
    });
  }
  const lineItems: StripeStubLineItem[] = [];
  for (const [index, item] of value.entries()) {
    const lineItem = readLineItem(item, `line_items[${index}]`, automaticTax);
    if (isStripeFailure(lineItem)) return lineItem;
    lineItems.push(lineItem);
  }
  const [first] = lineItems;
  if (!first) return missingParam('line_items');
  const mixed = lineItems.findIndex((lineItem) => lineItem.currency !== first.currency);
  if (mixed !== -1) {
    return invalidRequest('All line items of a Checkout Session must use the same currency.', {
      param: `line_items[${mixed}][price_data][currency]`,
    });
  }
  return lineItems;
}

function readLineItem(
  item: unknown,
  param: string,
  automaticTax: boolean,
): StripeStubLineItem | StripeFailure {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return invalidRequest(`Invalid object: ${param} must be an object.`, { param });
  }
  const fields = item as Params;
  const refused = rejectUnknownParams(fields, ['price', 'price_data', 'quantity'], param);
  if (refused) return refused;
  const quantity = fields.quantity;
  if (quantity === undefined) return missingParam(`${param}[quantity]`);
  if (typeof quantity !== 'string' || !isInteger(quantity) || Number(quantity) < 1) {
    return invalidRequest(`Invalid positive integer: ${String(quantity)}`, {
      param: `${param}[quantity]`,
    });
  }
  if (fields.price !== undefined) {
    // The stub stores no Price objects, so every price id is unknown, as it would be on Stripe.
    return invalidRequest(`No such price: '${String(fields.price)}'`, {
      code: 'resource_missing',
      param: `${param}[price]`,
    });
  }
  const priceData = readObject(fields, 'price_data');
  if (isStripeFailure(priceData)) return renamed(priceData, `${param}[price_data]`);
  if (priceData === undefined) {
    return invalidRequest(`You must specify either \`price\` or \`price_data\` in \`${param}\`.`, {
      param,
    });
  }
  const priceParam = `${param}[price_data]`;
  const unknown = rejectUnknownParams(
    priceData,
    ['currency', 'product_data', 'tax_behavior', 'unit_amount'],
    priceParam,
  );
  if (unknown) return unknown;
  const currency = readString(priceData, 'currency');
  if (currency === undefined) return missingParam(`${priceParam}[currency]`);
  if (isStripeFailure(currency) || !/^[a-z]{3}$/i.test(currency)) {
    return invalidRequest(`Invalid currency: ${String(priceData.currency)}`, {
      param: `${priceParam}[currency]`,
    });
  }
  const unitAmount = readString(priceData, 'unit_amount');
  if (unitAmount === undefined) return missingParam(`${priceParam}[unit_amount]`);
  if (isStripeFailure(unitAmount) || !isInteger(unitAmount)) {
    return invalidRequest(`Invalid integer: ${String(priceData.unit_amount)}`, {
      param: `${priceParam}[unit_amount]`,
    });
  }
  const product = readProductData(priceData, priceParam);
  if (isStripeFailure(product)) return product;
  const taxParam = `${priceParam}[tax_behavior]`;
  const taxBehavior = readEnum(priceData, 'tax_behavior', TAX_BEHAVIORS, taxParam);
  if (isStripeFailure(taxBehavior)) return taxBehavior;
  // Automatic tax needs every item to say whether its price includes tax; Stripe refuses
  // `unspecified` too when the account has no default (it means "use the account default").
  if (automaticTax && (taxBehavior ?? 'unspecified') === 'unspecified') {
    return invalidRequest(
      `The \`price_data\` of \`${param}\` does not have a \`tax_behavior\` set, which is required for automatic tax computation. Set it to \`exclusive\` or \`inclusive\`, or set a default tax behavior in your tax settings. Please visit https://stripe.com/docs/tax/products-prices-tax-categories-tax-behavior#tax-behavior for more information.`,
      { param: taxParam },
    );
  }
  return {
    name: product.name,
    description: product.description,
    quantity: Number(quantity),
    unit_amount: Number(unitAmount),
    currency: currency.toLowerCase(),
    tax_behavior: taxBehavior ?? null,
  };
}

/** `price_data[product_data]`: a `name`, an optional non-empty `description`, `metadata`. */
function readProductData(
  priceData: Params,
  priceParam: string,
): { name: string; description: string | null } | StripeFailure {
  const param = `${priceParam}[product_data]`;
  const product = readObject(priceData, 'product_data');
  if (isStripeFailure(product)) return renamed(product, param);
  if (product === undefined) return missingParam(`${param}[name]`);
  const refused = rejectUnknownParams(product, ['description', 'metadata', 'name'], param);
  if (refused) return refused;
  const name = readString(product, 'name');
  if (isStripeFailure(name)) return renamed(name, `${param}[name]`);
  if (!name) return missingParam(`${param}[name]`);
  const description = readString(product, 'description');
  if (isStripeFailure(description)) return renamed(description, `${param}[description]`);
  if (description === '') {
    // Stripe refuses an empty string where it expects text (our builder leaves it out instead).
    return invalidRequest(
      `You passed an empty string for '${param}[description]'. We assume empty values are an attempt to unset a parameter; however '${param}[description]' cannot be unset. You should remove '${param}[description]' from your request or supply a non-empty value.`,
      { param: `${param}[description]` },
    );
  }
  const metadata = readMetadata(product, 'metadata', `${param}[metadata]`);
  if (isStripeFailure(metadata)) return metadata;
  return { name, description: description ?? null };
}

/** A failure naming `param` instead of the bare name it was read under. */
function renamed(failure: StripeFailure, param: string): StripeFailure {
  return { ...failure, error: { ...failure.error, param } };
}

function isInteger(value: string): boolean {
  return /^\d+$/.test(value) && Number.isSafeInteger(Number(value));
}

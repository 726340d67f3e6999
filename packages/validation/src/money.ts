import { z } from 'zod';

/** Largest amount Stripe accepts in one charge, in the smallest currency unit (99,999,999). */
export const MAX_PRICE_CENTS = 99_999_999;

/** A price in the currency's smallest unit: an integer from 0 (free) to `MAX_PRICE_CENTS`. */
export const priceCentsSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number of cents' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_PRICE_CENTS, { error: `must be at most ${MAX_PRICE_CENTS}` });

/** An ISO 4217 currency code, accepted in either case and returned in lower case (as Stripe uses it). */
export const currencyCodeSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z]{3}$/, { error: 'must be a three-letter ISO 4217 code' })
  .transform((value) => value.toLowerCase());

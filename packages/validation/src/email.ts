import { z } from 'zod';

/**
 * A buyer's e-mail address as an identity provider's `email` claim carries it: a syntactically
 * valid address of at most 254 characters (RFC 5321's limit on a path), kept as given.
 */
export const buyerEmailSchema = z
  .email({ error: 'must be an e-mail address' })
  .max(254, { error: 'must be at most 254 characters' });

import { randomBytes } from 'node:crypto';

const ALPHANUMERICS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `prefix` followed by `length` random letters and digits, like Stripe's object ids. */
export function randomId(prefix: string, length: number): string {
  const characters = Array.from(randomBytes(length), (byte) =>
    ALPHANUMERICS.charAt(byte % ALPHANUMERICS.length),
  );
  return `${prefix}${characters.join('')}`;
}

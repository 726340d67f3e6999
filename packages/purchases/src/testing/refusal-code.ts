import { isPurchaseError } from '../purchase-error';

/**
 * The `PurchaseError` code `promise` is refused with. Throws when it resolves (a refusal was
 * expected) or rejects with anything else (a bug is not a refusal).
 */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isPurchaseError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

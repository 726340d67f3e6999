import type { z } from 'zod';

/**
 * Values nobody means as a secret: what `.dev.vars.example` files and docs put where the real one
 * goes (`replace_me`, `replace-with-…`, `changeme`, `placeholder`, `<your key>`).
 */
const PLACEHOLDER = /replace|change[-_ ]?me|placeholder|<[^<>]*>/i;

/** Whether `value` is an obvious placeholder rather than a real secret. */
function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * Adds a check to a string schema of a secret binding: an obvious placeholder (see
 * {@link isPlaceholder}) is refused with `is a placeholder; set the real value`, so a copied
 * example file cannot pass for configuration. The message never contains the value.
 */
export function refusePlaceholders<S extends z.ZodType<string>>(schema: S): S {
  return schema.refine((value) => !isPlaceholder(value), {
    error: 'is a placeholder; set the real value',
  });
}

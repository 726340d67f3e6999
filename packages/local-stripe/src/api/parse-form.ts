/** A form body both as Stripe's flat bracket keys and as the nested value Stripe reads from them. */
export interface ParsedForm {
  /** Each key exactly as sent, e.g. `line_items[0][price_data][unit_amount]`. */
  form: Record<string, string>;
  /** The same keys nested: `a[b]` is an object, `a[0]` and `a[]` are arrays. */
  body: Record<string, unknown>;
}

type FormTree = Map<string, FormTree | string>;

/**
 * Parses an `application/x-www-form-urlencoded` string (a request body or a query string) the way
 * Stripe reads it: `line_items[0][quantity]=1` becomes `{ line_items: [{ quantity: '1' }] }` and
 * `expand[]=a` appends. Brackets may be percent-encoded; a later duplicate key wins. Never throws.
 */
export function parseForm(encoded: string): ParsedForm {
  const pairs = [...new URLSearchParams(encoded)];
  const tree: FormTree = new Map();
  for (const [key, value] of pairs) {
    let node = tree;
    const segments = splitKey(key);
    for (const [index, segment] of segments.entries()) {
      const name = segment === '' ? String(node.size) : segment;
      if (index === segments.length - 1) {
        node.set(name, value);
        break;
      }
      const child = node.get(name);
      if (child instanceof Map) {
        node = child;
      } else {
        const next: FormTree = new Map();
        node.set(name, next);
        node = next;
      }
    }
  }
  // Object.fromEntries defines own properties, so a `__proto__` key cannot reach a prototype.
  return {
    form: Object.fromEntries(pairs),
    body: Object.fromEntries([...tree].map(([name, child]) => [name, toValue(child)])),
  };
}

/** `a[b][0]` → `['a', 'b', '0']`; a key that is not well-formed stays one segment. */
function splitKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return [key];
  const [, head = key, brackets = ''] = match;
  return [head, ...[...brackets.matchAll(/\[([^[\]]*)\]/g)].map(([, segment = '']) => segment)];
}

function toValue(node: FormTree | string): unknown {
  if (typeof node === 'string') return node;
  const entries = [...node].map(([name, child]) => [name, toValue(child)] as const);
  if (entries.length > 0 && entries.every(([name]) => /^\d+$/.test(name))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, value]) => value);
  }
  return Object.fromEntries(entries);
}

import {
  algorithmOfJwk,
  importPublicKey,
  type PublicKeyAlgorithm,
  type VerificationKey,
} from './jwt-algorithms';

/** Options for {@link JwksKeyStore}; every duration is in seconds. */
export interface JwksKeyStoreOptions {
  /** Longest a fetched key set is trusted before it is fetched again. Default 600. */
  maxAgeSeconds?: number;
  /**
   * Least time between two fetches, whatever asked for them (an expired set or a token naming an
   * unknown `kid`): a flood of tokens with made-up kids costs the provider one request per
   * interval. Also the shortest max age a provider's `Cache-Control` can impose. Default 30.
   */
  minRefetchIntervalSeconds?: number;
  /** How long past its max age the last good set still serves while fetching fails. Default 3600. */
  staleIfErrorSeconds?: number;
}

interface KeySet {
  /** Keys by `<alg> <kid>`: a lookup can only find a key published for the token's algorithm. */
  keys: ReadonlyMap<string, VerificationKey>;
  freshUntilMs: number;
  usableUntilMs: number;
}

/** A JWKS larger than this is refused: a real one holds a few keys of a few hundred bytes. */
const MAX_JWKS_BYTES = 64 * 1024;
/** Keys past this many in one JWKS are ignored (providers publish two or three). */
const MAX_KEYS = 20;
/** A provider slower than this counts as down for this attempt. */
const FETCH_TIMEOUT_MS = 5000;
const MAX_AGE = /(?:^|[,\s])max-age=(\d+)/i;

function keyIndex(algorithm: PublicKeyAlgorithm, kid: string): string {
  return `${algorithm} ${kid}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The verification keys of a JWKS document; a key that is malformed or not for signing is skipped. */
async function importKeySet(document: unknown): Promise<Map<string, VerificationKey>> {
  const published = isRecord(document) && Array.isArray(document.keys) ? document.keys : [];
  const keys = new Map<string, VerificationKey>();
  for (const jwk of published.slice(0, MAX_KEYS)) {
    if (!isRecord(jwk) || typeof jwk.kid !== 'string' || jwk.kid === '') continue;
    const algorithm = algorithmOfJwk(jwk);
    const key = algorithm === undefined ? undefined : await importPublicKey(jwk, algorithm);
    if (algorithm !== undefined && key !== undefined) keys.set(keyIndex(algorithm, jwk.kid), key);
  }
  return keys;
}

/**
 * The public keys published at one JWKS URL, fetched when first needed and cached: a set is fresh
 * for the provider's `Cache-Control: max-age`, bounded by `maxAgeSeconds` and
 * `minRefetchIntervalSeconds`. A token naming a kid the fresh set lacks makes it fetch again (the
 * provider may have just rotated), but never twice within `minRefetchIntervalSeconds`. A
 * successful fetch replaces the whole set, so a key removed from the JWKS stops verifying at the
 * next refresh. A failed fetch (network, status, not a JWKS) keeps the last good set for
 * `staleIfErrorSeconds` past its max age, then nothing verifies until the provider answers.
 */
export class JwksKeyStore {
  readonly #url: string;
  readonly #maxAgeMs: number;
  readonly #minIntervalMs: number;
  readonly #staleIfErrorMs: number;
  #set: KeySet | undefined;
  #lastAttemptMs = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;

  /** @throws Error when `url` is not an absolute http(s) URL. */
  constructor(url: string, options: JwksKeyStoreOptions = {}) {
    if (!/^https?:\/\//.test(url) || !URL.canParse(url)) {
      throw new Error('JwksKeyStore: the JWKS URL must be an absolute http(s) URL');
    }
    this.#url = url;
    this.#maxAgeMs = (options.maxAgeSeconds ?? 600) * 1000;
    this.#minIntervalMs = (options.minRefetchIntervalSeconds ?? 30) * 1000;
    this.#staleIfErrorMs = (options.staleIfErrorSeconds ?? 3600) * 1000;
  }

  /**
   * The key published under `kid` for `algorithm`, or `undefined` (unknown kid, a key of another
   * algorithm, or no usable set). `nowMs` is the caller's clock. When this call starts a fetch
   * that fails, `onFetchFailure` hears why (`HTTP 503`, ...; never a key or a token). Never throws.
   */
  async keyFor(
    kid: string,
    algorithm: PublicKeyAlgorithm,
    nowMs: number,
    onFetchFailure?: (reason: string) => void,
  ): Promise<VerificationKey | undefined> {
    const index = keyIndex(algorithm, kid);
    const set = this.#set;
    const known = set?.keys.get(index);
    if (set !== undefined && nowMs < set.freshUntilMs && known !== undefined) return known;
    if (nowMs - this.#lastAttemptMs >= this.#minIntervalMs) {
      this.#startRefresh(nowMs, onFetchFailure);
    }
    await this.#waitForRefresh();
    const current = this.#set;
    return current !== undefined && nowMs < current.usableUntilMs
      ? current.keys.get(index)
      : undefined;
  }

  #startRefresh(nowMs: number, onFetchFailure?: (reason: string) => void): void {
    if (this.#inFlight !== undefined) return;
    this.#lastAttemptMs = nowMs;
    this.#inFlight = this.#fetchKeySet(nowMs)
      .then((outcome) => {
        if (typeof outcome === 'string') onFetchFailure?.(outcome);
        else this.#set = outcome;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
  }

  /**
   * Waits for the fetch in flight, if any, at most the fetch timeout. Another request may have
   * started it: if that request is cancelled, the runtime may never settle its promise, so a
   * waiter gives up instead of hanging (its token is then judged on the set it has).
   */
  async #waitForRefresh(): Promise<void> {
    const inFlight = this.#inFlight;
    if (inFlight === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FETCH_TIMEOUT_MS);
    });
    await Promise.race([inFlight, timeout]);
    clearTimeout(timer);
  }

  /** The fetched set, or why there is none. */
  async #fetchKeySet(nowMs: number): Promise<KeySet | string> {
    try {
      const response = await fetch(this.#url, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return `HTTP ${response.status}`;
      }
      const text = await response.text();
      if (text.length > MAX_JWKS_BYTES) return 'larger than 64 KiB';
      const document: unknown = JSON.parse(text);
      if (!isRecord(document) || !Array.isArray(document.keys)) return 'not a JWKS';
      const maxAgeMs = this.#maxAgeOf(response.headers.get('Cache-Control'));
      return {
        keys: await importKeySet(document),
        freshUntilMs: nowMs + maxAgeMs,
        usableUntilMs: nowMs + maxAgeMs + this.#staleIfErrorMs,
      };
    } catch (error) {
      // Unreachable, timed out or not JSON: the provider is down for this attempt.
      return error instanceof SyntaxError ? 'not JSON' : 'unreachable or timed out';
    }
  }

  /** The provider's max-age, kept between the refetch interval and our own maximum. */
  #maxAgeOf(cacheControl: string | null): number {
    const match = MAX_AGE.exec(cacheControl ?? '');
    const providerMs = match?.[1] === undefined ? this.#maxAgeMs : Number(match[1]) * 1000;
    return Math.min(this.#maxAgeMs, Math.max(this.#minIntervalMs, providerMs));
  }
}

/** One store per JWKS URL per isolate: the cache lives as long as the isolate serves requests. */
const stores = new Map<string, JwksKeyStore>();

/**
 * The isolate's store for `url` (created with `options` on first use). Module-level on purpose:
 * Workers keep global state between requests of one isolate, and the keys are public.
 */
export function jwksKeyStoreFor(url: string, options?: JwksKeyStoreOptions): JwksKeyStore {
  let store = stores.get(url);
  if (store === undefined) {
    store = new JwksKeyStore(url, options);
    stores.set(url, store);
  }
  return store;
}

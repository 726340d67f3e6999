import { neonConfig } from '@neondatabase/serverless';

/** Where one `neon()` client's HTTP requests go, and who is told about each of them. */
export interface NeonFetchRoute {
  /** Full URL of a SQL-over-HTTP endpoint, e.g. `http://127.0.0.1:54021/sql`. */
  endpoint?: string;
  /** Called once per HTTP request the client makes (a statement, or a whole batch). */
  onRequest?: () => void;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;
type RoutedInit = RequestInit & { [ROUTE]?: NeonFetchRoute };

// The route rides in the client's `fetchOptions`, which the driver spreads into the `fetch` init of
// every request (symbol keys included). `Symbol.for`, so that a second copy of this module in the
// same isolate recognises routes set by the first.
const ROUTE = Symbol.for('@codex/database/neon-fetch-route');
const DISPATCHER = Symbol.for('@codex/database/neon-fetch-dispatcher');

function installDispatcher(): void {
  const current: unknown = neonConfig.fetchFunction;
  if (typeof current === 'function' && DISPATCHER in current) return;
  const previous = typeof current === 'function' ? (current as Fetch) : undefined;
  const dispatcher = (input: string, init?: RoutedInit): Promise<Response> => {
    const send = previous ?? fetch;
    const route = init?.[ROUTE];
    if (!init || !route) return send(input, init);
    const { [ROUTE]: _route, ...rest } = init;
    route.onRequest?.();
    return send(route.endpoint ?? input, rest);
  };
  neonConfig.fetchFunction = Object.assign(dispatcher, { [DISPATCHER]: true });
}

/**
 * Returns `fetchOptions` for `neon(connectionString, { fetchOptions })` that send this client's
 * requests to `route.endpoint` and report each one to `route.onRequest`.
 *
 * The driver only takes the endpoint URL and the fetch function globally (`neonConfig.fetchEndpoint`,
 * `neonConfig.fetchFunction`); per client it only takes `fetchOptions`, merged into each `fetch`
 * init. So this installs, once per isolate, a global `fetchFunction` that looks for the route in
 * the init: requests without one (every client not built through here, production's included) go
 * out untouched, to the fetch function installed before it or the global `fetch`.
 */
export function routeNeonFetch(route: NeonFetchRoute): Record<string, unknown> {
  installDispatcher();
  return { [ROUTE]: route };
}

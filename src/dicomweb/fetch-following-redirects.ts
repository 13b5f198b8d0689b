/**
 * GET that follows redirects itself, so that credentials go only where the user sent
 * them. fetch's own redirect handling drops `Authorization` on a cross-origin hop but
 * forwards every other header, so an `X-Api-Key`, a `Cookie` or any header given with
 * `--header` / `headers:` would reach whatever host the server names. Here every header
 * the user gave counts as a credential: a hop to another origin (scheme, host or port)
 * keeps only `Accept`. Credentials written into a `Location` URL are dropped too.
 */
import { AutodvtError } from '../core/errors.js';
import { redactUrl } from '../secrets/redact-url.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 5;

export interface RedirectingGet {
  url: string;
  accept: string;
  /** The user's headers (credentials): sent to `url`'s origin only. */
  headers: Record<string, string>;
  signal: AbortSignal;
  fetch: typeof fetch;
  scope: string;
}

/** The final response; `url` is where it came from. */
export async function fetchFollowingRedirects(o: RedirectingGet): Promise<{ res: Response; url: string }> {
  const origin = new URL(o.url).origin;
  let url = o.url;
  for (let hop = 0; ; hop++) {
    const headers = new URL(url).origin === origin ? { Accept: o.accept, ...o.headers } : { Accept: o.accept };
    const res = await o.fetch(url, { headers, signal: o.signal, redirect: 'manual' });
    const location = res.headers.get('location');
    if (!REDIRECTS.has(res.status) || !location) return { res, url };
    await res.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) {
      throw new AutodvtError(`${redactUrl(o.url)}: more than ${MAX_REDIRECTS} redirects`, {
        scope: o.scope,
        hint: 'check the url: the server keeps redirecting',
      });
    }
    const next = new URL(location, url);
    next.username = '';
    next.password = '';
    url = next.toString();
  }
}

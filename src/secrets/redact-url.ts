/**
 * Credentials written into a URL (`https://user:pass@host/...`, `redis://:pass@host`)
 * never leave the process in text: every URL that is shown — in an error, a log line, a
 * banner, a result — goes through `redactUrl`, and the CLI passes every message it
 * prints through `redactUrlsIn` as a last guard.
 */

const REDACTED = '***';

/** The URL with its user name and password replaced by one `***` (unchanged when it has none or is not a URL). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactUrlsIn(url);
  }
  if (!parsed.username && !parsed.password) return url;
  parsed.username = REDACTED;
  parsed.password = '';
  return parsed.toString();
}

// scheme://userinfo@ — userinfo up to the first '@' before any '/', whitespace or quote.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@'"<>]+)@/gi;

/** Free text with the userinfo of every URL in it replaced by `***`. */
export function redactUrlsIn(text: string): string {
  return text.replace(USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`);
}

/** The URL without its credentials, and those credentials as a Basic Authorization value. */
export function splitUrlCredentials(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** Any origin would do: only whether a value stays on it matters. */
const BASE = new URL("http://console.invalid/");

function sameOrigin(value: string): URL | null {
  try {
    const url = new URL(value, BASE);
    return url.origin === BASE.origin ? url : null;
  } catch {
    return null;
  }
}

/**
 * The longest path sent back as a Location: no page of the console needs more, and a longer header
 * is refused by clients (16 KB in Node's fetch) and proxies, which would turn a redirect into an error.
 * Measured after percent-encoding, which can make a path several times longer than what was sent.
 */
export const MAX_REDIRECT_PATH_LENGTH = 2_048;

/**
 * Where to go after signing in: only a path of this console, never another site. The value is read
 * as a browser reads a Location header (tabs and newlines dropped, backslashes as slashes, dot
 * segments resolved), so `/\t/evil.com` or `/\evil.com` cannot slip past as a path; what comes back
 * is the parsed path, query and fragment, checked again so that it cannot begin with `//` either.
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined): string {
  if (typeof value !== "string" || value.length > MAX_REDIRECT_PATH_LENGTH) return "/";
  const url = sameOrigin(value);
  if (!url) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.length <= MAX_REDIRECT_PATH_LENGTH && sameOrigin(path)?.href === url.href ? path : "/";
}

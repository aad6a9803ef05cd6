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
 * Where to go after signing in: only a path of this console, never another site. The value is read
 * as a browser reads a Location header (tabs and newlines dropped, backslashes as slashes, dot
 * segments resolved), so `/\t/evil.com` or `/\evil.com` cannot slip past as a path; what comes back
 * is the parsed path, query and fragment, checked again so that it cannot begin with `//` either.
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined): string {
  if (typeof value !== "string") return "/";
  const url = sameOrigin(value);
  if (!url) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return sameOrigin(path)?.href === url.href ? path : "/";
}

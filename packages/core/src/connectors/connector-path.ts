import { hasControlCharacter } from "./safe-text.ts";

/**
 * Checks of the paths a connector request may take. A path is appended to the connector's base
 * URL, so anything a URL parser or the receiving server could read as "go elsewhere" is refused
 * outright instead of being normalised: `..` and `.` segments (also percent-encoded, also encoded
 * twice), empty segments (`//`, which a parser reads as a new host), backslashes (read as `/`),
 * control characters, whitespace and fragments.
 */

/** How many rounds of percent-decoding are looked through (`%252e` is `%2e` is `.`). */
const DECODE_ROUNDS = 3;

export function pathProblem(path: string): string | null {
  if (!path.startsWith("/")) return "must start with /";
  if (hasControlCharacter(path, { orSpace: true })) return "must not contain spaces or control characters (percent-encode them)";
  if (path.includes("\\")) return "must not contain backslashes";
  if (path.includes("#")) return "must not contain a fragment (#)";
  if (/%(?![0-9a-f]{2})/i.test(path)) return "has a malformed percent-encoding (write % as %25)";
  let decoded = path.split("?")[0] ?? "";
  for (let round = 0; round < DECODE_ROUNDS; round += 1) {
    const problem = decodedPathProblem(decoded);
    if (problem) return problem;
    if (!/%[0-9a-f]{2}/i.test(decoded)) return null;
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return "has a malformed percent-encoding";
    }
  }
  return decodedPathProblem(decoded);
}

function decodedPathProblem(pathname: string): string | null {
  if (pathname.includes("//")) return "must not contain empty segments (//)";
  if (pathname.includes("\\")) return "must not contain backslashes, encoded or not";
  if (hasControlCharacter(pathname)) return "must not contain control characters, encoded or not";
  if (pathname.split("/").some((segment) => segment === "." || segment === "..")) return "must not contain . or .. segments, encoded or not";
  return null;
}

/** The path without its query string. */
export function pathnameOf(path: string): string {
  return path.split("?")[0] ?? "";
}

/** Whether `pathname` is `prefix` or below it: `/invoices` covers `/invoices/7`, not `/invoices-admin`. */
export function isUnderPrefix(pathname: string, prefix: string): boolean {
  if (prefix.endsWith("/")) return pathname.startsWith(prefix);
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

import { describe, expect, it } from "vitest";

import { MAX_REDIRECT_PATH_LENGTH, safeRedirectPath } from "../app/server/redirect-path.server.ts";

describe("where sign-in sends the browser afterwards", () => {
  it("keeps a path of the console with its query and fragment", () => {
    expect(safeRedirectPath("/")).toBe("/");
    expect(safeRedirectPath("/history?status=pending&actor=dana")).toBe("/history?status=pending&actor=dana");
    expect(safeRedirectPath("/actions/12#timeline")).toBe("/actions/12#timeline");
    expect(safeRedirectPath("/a/../actions/12")).toBe("/actions/12");
    // Encoded slashes stay encoded: the browser reads them as part of one path segment.
    expect(safeRedirectPath("/%2F%2Fevil.com")).toBe("/%2F%2Fevil.com");
    expect(safeRedirectPath("/%5Cevil.com")).toBe("/%5Cevil.com");
    // Relative to an http page this names a path of the same site, and what is sent on is that path.
    expect(safeRedirectPath("http:evil.com")).toBe("/evil.com");
  });

  // Each of these, followed by a browser as a Location, would leave the console.
  const elsewhere: [string, string][] = [
    ["protocol-relative", "//evil.com"],
    ["protocol-relative with a path", "//evil.com/sign-in"],
    ["three slashes", "///evil.com"],
    ["slash backslash", "/\\evil.com"],
    ["backslash slash", "\\/evil.com"],
    ["two backslashes", "\\\\evil.com"],
    ["tab after the slash (/%09/evil.com decoded)", "/\t/evil.com"],
    ["newline after the slash", "/\n/evil.com"],
    ["carriage return after the slash", "/\r/evil.com"],
    ["tab between the slashes", "/\t\\evil.com"],
    ["leading space and slashes", " //evil.com"],
    ["dot segments up to a host", "/a/../..//evil.com"],
    ["dot segments with backslashes", "/a/..\\..\\/evil.com"],
    ["absolute http URL", "http://evil.com/"],
    ["absolute https URL", "https://evil.com/inbox"],
    ["scheme-relative with credentials", "//console.invalid@evil.com"],
    ["absolute URL with the backslash trick", "https:\\\\evil.com"],
    ["javascript: URL", "javascript:alert(1)"],
    ["javascript: URL in capitals, with a tab", "JavaScript:\talert(1)"],
    ["data: URL", "data:text/html,<script>alert(1)</script>"],
    ["mailto: URL", "mailto:someone@evil.com"],
  ];

  it.each(elsewhere)("refuses %s and goes to /", (_name, value) => {
    expect(safeRedirectPath(value)).toBe("/");
  });

  it("follows the query string of /sign-in as it arrives, encoded", () => {
    const decoded = (query: string) => new URLSearchParams(query).get("redirectTo");
    expect(safeRedirectPath(decoded("redirectTo=/%09/evil.com"))).toBe("/");
    expect(safeRedirectPath(decoded("redirectTo=%2F%2Fevil.com"))).toBe("/");
    expect(safeRedirectPath(decoded("redirectTo=%2F%5Cevil.com"))).toBe("/");
    expect(safeRedirectPath(decoded("redirectTo=/%0A/evil.com"))).toBe("/");
    expect(safeRedirectPath(decoded("redirectTo=%2Fhistory%3Fstatus%3Dpending"))).toBe("/history?status=pending");
  });

  it("goes to / rather than send back a path too long for a Location header, counted once encoded", () => {
    const longest = `/${"x".repeat(MAX_REDIRECT_PATH_LENGTH - 1)}`;
    expect(safeRedirectPath(longest)).toBe(longest);
    expect(safeRedirectPath(`${longest}x`)).toBe("/");
    expect(safeRedirectPath(`/${"x".repeat(100_000)}`)).toBe("/");
    // Short as sent, but each "é" is six characters once percent-encoded.
    expect(safeRedirectPath(`/${"é".repeat(400)}`)).toBe("/");
  });

  it("goes to / without a value, or with something that is not text", () => {
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath("")).toBe("/");
    expect(safeRedirectPath(new File(["/inbox"], "redirect.txt"))).toBe("/");
  });
});

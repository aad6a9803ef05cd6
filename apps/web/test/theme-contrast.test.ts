import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

/**
 * WCAG contrast of the colour tokens of app.css, in both themes: 4.5:1 for text on the backgrounds it
 * is used on, 3:1 for marks that are not text (focus rings, chart lines). The pairs are the ones the
 * stylesheet puts together (body text, links, buttons, status badges, notices, code, the sidebar).
 * Each token is declared once; a colour that differs between the themes holds both in `light-dark()`.
 */
const css = readFileSync(fileURLToPath(new URL("../app/app.css", import.meta.url)), "utf8");

/** The custom properties declared in the stylesheet's first `:root` block, as written. */
function declaredTokens(): Map<string, string> {
  const opening = ":root {";
  const start = css.indexOf(opening);
  if (start < 0) throw new Error(`No block ${opening} in app.css`);
  const body = css.slice(start + opening.length, css.indexOf("}", start));
  return new Map(
    [...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map(([, name, value]) => [
      name ?? "",
      (value ?? "").trim(),
    ]),
  );
}

/** Where the parenthesised group that opens at `open` closes. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === "(") depth++;
    if (text[index] === ")" && --depth === 0) return index;
  }
  throw new Error(`Unbalanced parentheses in ${text}`);
}

/** The value with each `light-dark(<light>, <dark>)` in it replaced by the side the scheme picks. */
function inScheme(value: string, scheme: "light" | "dark"): string {
  const start = value.indexOf("light-dark(");
  if (start < 0) return value;
  const open = start + "light-dark".length;
  const close = closingParenthesis(value, open);
  const inner = value.slice(open + 1, close);
  let depth = 0;
  let comma = -1;
  for (let index = 0; index < inner.length && comma < 0; index++) {
    if (inner[index] === "(") depth++;
    if (inner[index] === ")") depth--;
    if (inner[index] === "," && depth === 0) comma = index;
  }
  if (comma < 0) throw new Error(`light-dark() without two values: ${value}`);
  const side = (scheme === "light" ? inner.slice(0, comma) : inner.slice(comma + 1)).trim();
  return inScheme(`${value.slice(0, start)}${side}${value.slice(close + 1)}`, scheme);
}

const declared = declaredTokens();
const tokensIn = (scheme: "light" | "dark") =>
  new Map([...declared].map(([name, value]) => [name, inScheme(value, scheme)]));
const light = tokensIn("light");
const dark = tokensIn("dark");

function luminance(hex: string): number {
  const digits = hex.replace("#", "");
  const full = digits.length === 3 ? digits.replace(/./g, "$&$&") : digits;
  const channels = [0, 2, 4].map((offset) => parseInt(full.slice(offset, offset + 2), 16) / 255);
  const [r, g, b] = channels.map((channel) =>
    channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrast(tokens: Map<string, string>, foreground: string, background: string): number {
  const colour = (name: string) => {
    const value = tokens.get(name);
    if (!value || !/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(value))
      throw new Error(`${name} is not a plain colour: ${value}`);
    return luminance(value);
  };
  const [lighter, darker] = [colour(foreground), colour(background)].sort((a, b) => b - a);
  return ((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05);
}

const textPairs: [string, string][] = [
  ["--text", "--bg"],
  ["--text", "--surface"],
  ["--text-secondary", "--surface"],
  ["--text-muted", "--surface"],
  ["--text-muted", "--bg"],
  ["--text-subtle", "--surface"],
  ["--text-subtle", "--surface-muted"],
  ["--accent", "--surface"],
  ["--accent", "--bg"],
  ["--accent", "--accent-soft"],
  ["--on-accent", "--accent"],
  ["--on-danger", "--danger"],
  ["--danger", "--surface"],
  ["--danger", "--danger-soft"],
  ["--danger-text", "--danger-soft"],
  ["--danger-text", "--danger-surface"],
  ["--success", "--success-soft"],
  ["--success-text", "--success-soft"],
  ["--info-text", "--info-soft"],
  ["--neutral-text", "--neutral-soft"],
  ["--text-secondary", "--neutral-soft"],
  ["--badge-pending-text", "--badge-pending-bg"],
  ["--badge-executing-text", "--badge-executing-bg"],
  ["--badge-rolled-back-text", "--badge-rolled-back-bg"],
  ["--badge-escalated-text", "--badge-escalated-bg"],
  ["--code-block-text", "--code-block-bg"],
  ["--sidebar-text", "--sidebar-bg"],
  ["--sidebar-text", "--sidebar-active"],
  ["--sidebar-text-strong", "--sidebar-active"],
  ["--on-count", "--count-bg"],
  ["--on-count", "--count-danger-bg"],
];

const markPairs: [string, string][] = [
  ["--focus", "--surface"],
  ["--focus", "--bg"],
  ["--sidebar-focus", "--sidebar-bg"],
  ["--chart-1", "--surface"],
  ["--chart-2", "--surface"],
  ["--chart-3", "--surface"],
  ["--chart-4", "--surface"],
  ["--chart-axis", "--surface"],
];

describe.each([
  ["light", light],
  ["dark", dark],
])("the %s theme", (_name, tokens) => {
  it.each(textPairs)("%s on %s reads at 4.5:1 or more", (foreground, background) => {
    expect(contrast(tokens, foreground, background)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(markPairs)("%s on %s stands out at 3:1 or more", (foreground, background) => {
    expect(contrast(tokens, foreground, background)).toBeGreaterThanOrEqual(3);
  });
});

describe("the themes' tokens", () => {
  it("are declared once each, and no media query declares them again", () => {
    const declarations = (name: string) => css.split(`${name}:`).length - 1;
    expect([...declared.keys()].filter((name) => declarations(name) !== 1)).toEqual([]);
    expect(css).not.toContain("prefers-color-scheme");
  });

  it("take their side from the colour scheme: the chosen theme's, else the system's", () => {
    const colourScheme = (selector: string) => {
      const start = css.indexOf(`${selector} {`);
      return start < 0 ? undefined : /^[^}]*?color-scheme:\s*([\w ]+);/.exec(css.slice(start))?.[1];
    };
    expect(colourScheme(":root")).toBe("light dark");
    expect(colourScheme(':root[data-theme="light"]')).toBe("light");
    expect(colourScheme(':root[data-theme="dark"]')).toBe("dark");
  });

  it("differ between the themes, but for the colours that stay on a dark ground in both (sidebar, code, counts)", () => {
    const same = [...declared].filter(([, value]) => /^(#|rgb)/.test(value)).map(([name]) => name);
    expect(same).toEqual([
      "--warning-mark",
      "--code-block-text",
      "--sidebar-text",
      "--sidebar-text-strong",
      "--sidebar-indicator",
      "--sidebar-focus",
      "--count-bg",
      "--count-danger-bg",
      "--on-count",
    ]);
  });
});

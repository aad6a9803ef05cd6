import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

/**
 * WCAG contrast of the colour tokens of app.css, in both themes: 4.5:1 for text on the backgrounds it
 * is used on, 3:1 for marks that are not text (focus rings, chart lines). The pairs are the ones the
 * stylesheet puts together (body text, links, buttons, status badges, notices, code, the sidebar).
 */
const css = readFileSync(fileURLToPath(new URL("../app/app.css", import.meta.url)), "utf8");

/** The custom properties declared in the block that opens with `opening` (the first such block). */
function tokensOf(opening: string): Map<string, string> {
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

const light = tokensOf(":root {");
const dark = tokensOf(':root[data-theme="dark"] {');
const systemDark = tokensOf(':root:not([data-theme="light"]) {');

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

describe("the dark theme's two blocks", () => {
  it("hold the same values, whether chosen or followed from the system", () => {
    expect(Object.fromEntries(systemDark)).toEqual(Object.fromEntries(dark));
  });

  it("give every colour token of the light theme a dark value", () => {
    const colours = [...light].filter(([, value]) => /^#|^rgb/.test(value)).map(([name]) => name);
    expect(colours.filter((name) => !dark.has(name))).toEqual([]);
  });
});

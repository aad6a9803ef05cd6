import type { z } from "zod";

import type { InvalidIssue } from "./errors.ts";

/**
 * Zod's own wording ("Too small: expected string to have >=1 characters", "Invalid input: expected
 * number, received NaN") is for programmers; people and agents read what is wrong with the field in
 * plain words. An issue's wording is said of its field ("must be a number") so that the API can
 * keep the field's path in front of it and the console can put the field's label there instead.
 */

/** Words for zod's types, as "must be …" completes them. */
const typeWords: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  date: "a date like 2026-12-31",
  array: "a list",
  tuple: "a list",
  set: "a list",
  object: "a group of fields",
  record: "a group of fields",
  map: "a group of fields",
  null: "empty (null)",
  file: "a file",
};

/** Words for zod's string formats, as "must be …" completes them. */
const formatWords: Record<string, string> = {
  email: "an email address like ada@example.com",
  url: "a web address like https://example.com",
  datetime: "a date and time like 2026-12-31T09:30:00Z",
  date: "a date like 2026-12-31",
  time: "a time like 09:30",
  duration: "a duration like P3D",
  uuid: "an id like 123e4567-e89b-42d3-a456-426614174000",
  uuidv4: "an id like 123e4567-e89b-42d3-a456-426614174000",
  guid: "an id like 123e4567-e89b-42d3-a456-426614174000",
  ipv4: "an IPv4 address like 192.0.2.1",
  ipv6: "an IPv6 address like 2001:db8::1",
  cidrv4: "an IPv4 range like 192.0.2.0/24",
  cidrv6: "an IPv6 range like 2001:db8::/32",
  base64: "base64 text",
  base64url: "base64url text",
  json_string: "JSON text",
  e164: "a phone number like +14155550123",
};

/** Units of sizes, for "must have at least 3 characters". */
const sizeUnits: Record<string, [string, string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
  map: ["entry", "entries"],
  file: ["byte", "bytes"],
};

/**
 * Lowercase messages that start with one of these say something of their field ("must be in the
 * future"); other lowercase messages are sentences of their own ("name the backup approver").
 */
const PREDICATE_START = /^(must|may|is|are|has|needs|cannot|can|should|does)\b/;

/** Short words spelled in capitals when a field name turns into a label. */
const ACRONYMS = new Set(["id", "ids", "url", "urls", "api", "http", "https", "json", "csv", "sso", "uri", "ip", "smtp", "utc"]);

function formatNumber(value: number | bigint): string {
  return typeof value === "bigint" ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { maximumFractionDigits: 20 });
}

function formatBound(origin: string, value: number | bigint): string {
  return origin === "date" ? new Date(Number(value)).toISOString().slice(0, 10) : formatNumber(value);
}

function listValues(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === "string" ? value : String(value))).join(", ");
}

function sizeWording(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, bound: number | bigint): string {
  const [one, many] = sizeUnits[issue.origin] ?? ["item", "items"];
  const unit = `${formatNumber(bound)} ${Number(bound) === 1 ? one : many}`;
  if (issue.exact) return `must have exactly ${unit}`;
  if (issue.code === "too_small") return issue.inclusive === false ? `must have more than ${unit}` : `must have at least ${unit}`;
  return issue.inclusive === false ? `must have fewer than ${unit}` : `must have at most ${unit}`;
}

function boundWording(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
  if (issue.origin in sizeUnits) return sizeWording(issue, bound);
  const value = formatBound(issue.origin, bound);
  if (issue.exact) return `must be exactly ${value}`;
  if (issue.origin === "date") {
    if (issue.code === "too_small") return issue.inclusive === false ? `must be after ${value}` : `must be on or after ${value}`;
    return issue.inclusive === false ? `must be before ${value}` : `must be on or before ${value}`;
  }
  if (issue.code === "too_small") return issue.inclusive === false ? `must be greater than ${value}` : `must be at least ${value}`;
  return issue.inclusive === false ? `must be less than ${value}` : `must be at most ${value}`;
}

function formatWording(issue: z.core.$ZodIssueInvalidStringFormat): string {
  if ("prefix" in issue && typeof issue.prefix === "string") return `must start with "${issue.prefix}"`;
  if ("suffix" in issue && typeof issue.suffix === "string") return `must end with "${issue.suffix}"`;
  if ("includes" in issue && typeof issue.includes === "string") return `must include "${issue.includes}"`;
  const words = formatWords[issue.format];
  return words ? `must be ${words}` : "is not in an accepted form";
}

/** What zod received, as its default invalid_type message names it (the input itself is not kept on the issue). */
function receivedOf(message: string): string | undefined {
  return /, received (\S+)$/.exec(message)?.[1];
}

/**
 * Whether the message is zod's own wording for the issue rather than one a schema chose. Zod's
 * messages all open with one of these; a schema's own messages in this codebase are phrased about
 * the field ("must be in the future") or as sentences, and are kept.
 */
function isZodWording(issue: z.core.$ZodIssue): boolean {
  return /^(Invalid input|Invalid option|Invalid string|Invalid number|Invalid discriminator|Invalid key in|Invalid value in|Too small:|Too big:|Unrecognized keys?:)/.test(issue.message) || (issue.code === "invalid_format" && issue.message.startsWith("Invalid "));
}

function zodIssueWording(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type": {
      const received = receivedOf(issue.message);
      if (received === "undefined") return "is required";
      return `must be ${typeWords[issue.expected] ?? issue.expected}`;
    }
    case "too_small":
    case "too_big":
      return boundWording(issue);
    case "invalid_format":
      return formatWording(issue);
    case "not_multiple_of":
      return `must be a multiple of ${formatNumber(issue.divisor)}`;
    case "invalid_value":
      return issue.values.length === 1 ? `must be ${listValues(issue.values)}` : `must be one of: ${listValues(issue.values)}`;
    case "unrecognized_keys":
      return issue.keys.length === 1 ? `does not take the field ${listValues(issue.keys)}` : `does not take the fields ${listValues(issue.keys)}`;
    case "invalid_union":
      // A discriminated union names the values its discriminator takes (an unknown action type, say).
      return "options" in issue && Array.isArray(issue.options) && issue.options.length > 0 ? `must be one of: ${listValues(issue.options)}` : "does not match any of the accepted forms";
    case "invalid_key":
      return "has a key that is not accepted";
    case "invalid_element":
      return "has a value that is not accepted";
    case "custom":
      return "is not valid";
  }
}

/**
 * An issue's message in plain words, said of its field: "must have at least 1 character", "is
 * required", "must be one of: viewer, approver, admin". A message a schema chose is kept as written.
 */
export function issueWording(issue: z.core.$ZodIssue): string {
  return isZodWording(issue) ? zodIssueWording(issue) : issue.message;
}

/** A field's name as a label: "dueAt" reads "Due at", "target_id" reads "Target ID"; the whole input reads "The input". */
export function fieldLabel(path: readonly (string | number)[]): string {
  const name = [...path].reverse().find((part): part is string => typeof part === "string");
  const words = (name ?? "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase())
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word));
  if (words.length === 0) return "The input";
  const label = words.join(" ");
  const index = path.at(-1);
  const item = typeof index === "number" ? ` (item ${index + 1})` : "";
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}${item}`;
}

/**
 * An issue as a sentence that names its field, for people: "Title must have at least 1 character",
 * "Priority must be a number". A message that already reads as a sentence ("a reason is required",
 * "{{oops}} is not a placeholder") is kept as written, with a capital letter.
 */
export function issueSentence(issue: InvalidIssue): string {
  const { message } = issue;
  const label = fieldLabel(issue.path);
  if (PREDICATE_START.test(message)) return `${label} ${message}`;
  if (message.startsWith("not ")) return `${label} is ${message}`;
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
}

/** The issues of a refused form in one line: the first sentence, and how many more there are. */
export function issuesSummary(issues: readonly InvalidIssue[]): string | undefined {
  const [first, ...rest] = issues;
  if (!first) return undefined;
  const sentence = issueSentence(first);
  const ending = /[.!?]$/.test(sentence) ? "" : ".";
  return rest.length === 0 ? `${sentence}${ending}` : `${sentence}${ending} ${rest.length === 1 ? "One more field needs" : `${rest.length} more fields need`} a look.`;
}

/**
 * A time inside a sentence meant for people (`2026-12-04 10:42 UTC`): readable without guessing a
 * zone; Slack and the console find it and show it in the reader's zone.
 */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

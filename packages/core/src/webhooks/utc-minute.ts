/** A time as the reason an endpoint was disabled gives it: `2026-12-04 10:42 UTC`. */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

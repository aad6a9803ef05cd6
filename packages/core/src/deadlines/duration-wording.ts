const units = [
  { label: "d", seconds: 86_400 },
  { label: "h", seconds: 3_600 },
  { label: "min", seconds: 60 },
  { label: "s", seconds: 1 },
] as const;

/**
 * A span of time as people read it on a card: its two largest units, rounded down ("1 h 20 min",
 * "2 h", "45 s"). Under a second reads "0 s".
 */
export function describeDuration(milliseconds: number): string {
  let rest = Math.max(0, Math.floor(milliseconds / 1000));
  const parts: string[] = [];
  for (const unit of units) {
    const count = Math.floor(rest / unit.seconds);
    rest -= count * unit.seconds;
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit.label}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((part) => !part.startsWith("0 "));
  return shown.length > 0 ? shown.join(" ") : "0 s";
}

/** "expires in 1 h 20 min", or "expires any moment now" once the time is up but the sweeper has not been by yet. */
export function describeExpiry(expiresAt: Date | string, now: Date): string {
  const left = new Date(expiresAt).getTime() - now.getTime();
  return left < 1000 ? "expires any moment now" : `expires in ${describeDuration(left)}`;
}

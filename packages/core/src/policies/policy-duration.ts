/** The longest wait a policy may set (a reminder, an escalation, an expiry): 365 days, in seconds. */
export const MAX_POLICY_SECONDS = 31_536_000;

/** The units people give a policy's waits in; core stores seconds. */
export const durationUnits = [
  { unit: "minutes", seconds: 60, short: "min" },
  { unit: "hours", seconds: 3_600, short: "h" },
  { unit: "days", seconds: 86_400, short: "d" },
] as const;

export type DurationUnit = (typeof durationUnits)[number]["unit"];

/** A wait in the largest unit it is a whole number of (`30 min`, `4 h`, `2 d`); seconds when it is none. */
export function formatDuration(seconds: number): string {
  const unit = [...durationUnits].reverse().find((candidate) => seconds % candidate.seconds === 0);
  return unit ? `${seconds / unit.seconds} ${unit.short}` : `${seconds} s`;
}

/** A wait as a form asks it: a whole number of the largest unit that fits exactly (minutes at least; rounded up when it is not a whole minute). */
export function durationParts(seconds: number): { amount: number; unit: DurationUnit } {
  const unit = [...durationUnits].reverse().find((candidate) => seconds % candidate.seconds === 0) ?? durationUnits[0];
  return { amount: Math.ceil(seconds / unit.seconds), unit: unit.unit };
}

/**
 * The seconds of a wait typed as an amount and a unit, or what is wrong with it in words: an empty
 * amount is no wait (null).
 */
export function secondsFromDuration(amount: string, unit: string): { ok: true; seconds: number | null } | { ok: false; message: string } {
  const trimmed = amount.trim();
  if (trimmed === "") return { ok: true, seconds: null };
  const chosen = durationUnits.find((candidate) => candidate.unit === unit);
  if (!chosen) return { ok: false, message: "must be in minutes, hours or days" };
  if (!/^-?\d+$/.test(trimmed)) return { ok: false, message: `must be a whole number of ${chosen.unit}` };
  const seconds = Number(trimmed) * chosen.seconds;
  if (seconds < chosen.seconds) return { ok: false, message: `must be at least 1 ${chosen.unit.slice(0, -1)}` };
  if (seconds > MAX_POLICY_SECONDS) return { ok: false, message: "must be at most 365 days" };
  return { ok: true, seconds };
}

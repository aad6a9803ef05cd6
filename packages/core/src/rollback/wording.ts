/** `#15`, `#15 and #16`, `#15, #16 and #17`. */
export function listIds(ids: readonly number[]): string {
  const named = ids.map((id) => `#${id}`);
  const last = named.pop();
  return named.length > 0 ? `${named.join(", ")} and ${last ?? ""}` : (last ?? "");
}

const counted = ["", "", "both", "all three", "all four", "all five", "all six", "all seven", "all eight", "all nine", "all ten"];

/** `both`, `all three`, ..., `all 12`. */
export function allOf(count: number): string {
  return counted[count] ?? `all ${count}`;
}

/** Walks over JSON values without recursion, so a hostile value nested thousands deep cannot overflow the stack. */

/** Whether `value` nests more than `limit` levels deep (an object or array is one level). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next || typeof next.value !== "object" || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value as Record<string, unknown>)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/** Every string value in `value` (not the keys). */
export function jsonStrings(value: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === "string") found.push(next);
    else if (typeof next === "object" && next !== null) stack.push(...Object.values(next as Record<string, unknown>));
  }
  return found;
}

import type { TargetType } from "@leash/db";

import { targetTypeSchema } from "../items/target-type.ts";
import { parsePlaceholder, type PlaceholderRef } from "../templates/placeholders.ts";

/** What a person needs to know of an earlier step of the same template run to name what it made. */
export interface RunStep {
  step: number;
  actionType: string;
  targetType: TargetType | null;
}

/** A kind word before a placeholder (`project #{{...}}`), and the placeholder itself. */
const REFERENCE = /(?:\b(\w+) )?#?\{\{([^{}]*)\}\}/g;

function nameOf(ref: PlaceholderRef, kindBefore: TargetType | null, steps: ReadonlyMap<number, RunStep>): string {
  if (ref.kind === "param") return `the template's "${ref.name}" value`;
  const step = steps.get(ref.step);
  const kind = step?.targetType ?? kindBefore ?? "item";
  const number = ref.step + 1;
  return step?.actionType === "create" ? `the ${kind} created by step ${number}` : `the ${kind} from step ${number}`;
}

/**
 * Replaces the placeholders a template step still holds (`{{steps.0.result.itemId}}`, resolved only
 * when the step runs) by what they stand for in words: "the project created by step 1". A kind word
 * right before one ("project #{{...}}") is folded into the name, so it is not said twice; text that
 * is not a placeholder stays as written.
 */
export function nameStepReferences(text: string, steps: ReadonlyMap<number, RunStep>): string {
  return text.replaceAll(REFERENCE, (whole, word: string | undefined, inner: string) => {
    const ref = parsePlaceholder(inner);
    if (!ref) return whole;
    const kind = word !== undefined ? targetTypeSchema.safeParse(word) : undefined;
    const kindBefore = kind?.success ? kind.data : null;
    const name = nameOf(ref, kindBefore, steps);
    return word !== undefined && kindBefore === null ? `${word} ${name}` : name;
  });
}

import { capitalize, humanize } from "./format.ts";

/** `action.approval_added` -> "Approval added"; the test message reads as such. */
export function webhookEventLabel(type: string): string {
  if (type === "webhook.test") return "Test event";
  return capitalize(humanize(type.replace(/^action\./, "")));
}

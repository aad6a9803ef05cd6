/** Slack mrkdwn treats &, < and > as markup; text from people and agents must not be read as links or mentions. */
export function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A time Slack shows in each reader's own time zone, with a UTC fallback for clients that cannot. */
export function slackTime(iso: string | Date): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  const fallback = `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/** Replaces the times core puts in its messages (`2026-12-05 14:03 UTC`, or ISO timestamps) with times Slack localises. */
export function localiseTimes(text: string): string {
  return text.replaceAll(/(\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, (found, day?: string, minute?: string) =>
    slackTime(day && minute ? `${day}T${minute}:00Z` : found),
  );
}

export function consoleUrl(webBaseUrl: string, actionId: number): string {
  return `${webBaseUrl.replace(/\/+$/, "")}/actions/${actionId}`;
}

/** Cuts text to Slack's limit for a field, keeping whole characters. */
export function fit(text: string, max: number): string {
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

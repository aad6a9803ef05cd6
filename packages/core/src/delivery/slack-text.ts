/**
 * A notification as Slack message text. Slack reads `<...>` as links and mentions (`<!channel>`
 * pings everyone) and `&` as an entity, so those three are escaped: an agent's message shows as
 * written and cannot mention anyone.
 */
export function slackText({ subject, message }: { subject: string | null; message: string }): string {
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return subject ? `*${escape(subject)}*\n${escape(message)}` : escape(message);
}

import type { Received } from "./received.ts";

const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function row(entry: Received): string {
  const when = escape(entry.at.toLocaleTimeString("en-GB"));
  if (entry.kind === "email") {
    return `<tr><td>${when}</td><td>email</td><td>${escape(entry.subject)}<br><small>to ${escape(entry.to.join(", "))} · ${escape(entry.messageId)}</small></td><td><pre>${escape(entry.text)}</pre></td></tr>`;
  }
  return `<tr><td>${when}</td><td>${escape(entry.method)} ${entry.status}</td><td>${escape(entry.path)}<br><small>Idempotency-Key ${escape(entry.idempotencyKey ?? "none")} · webhook-id ${escape(entry.webhookId ?? "none")} · signature ${entry.signature}</small></td><td><pre>${escape(entry.body)}</pre></td></tr>`;
}

/** The page the README points to: what the demo's emails, connector requests and webhooks looked like on arrival. */
export function receivedPage(entries: readonly Received[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Leash demo receivers</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#101828}table{border-collapse:collapse;width:100%}td{border-top:1px solid #e4e7ec;padding:.5rem;vertical-align:top}pre{margin:0;white-space:pre-wrap;max-width:40rem}small{color:#475467}</style></head>
<body><h1>What reached the demo's mail server, HTTP service and webhook receiver</h1>
<p>Newest first; the page refreshes every 3 s. Email goes to smtp://127.0.0.1:2525, the demo connector to /api, the demo tenant's webhooks to /webhooks.</p>
<table><tbody>${entries.length ? entries.map(row).join("") : '<tr><td colspan="4">Nothing yet: run <code>pnpm demo:agent</code> and approve its actions.</td></tr>'}</tbody></table></body></html>`;
}

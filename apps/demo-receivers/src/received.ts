/** Something that reached the demo receivers: an email or an HTTP request. */
export type Received =
  | { kind: "email"; at: Date; from: string; to: string[]; subject: string; messageId: string; text: string }
  | {
      kind: "request";
      at: Date;
      method: string;
      path: string;
      idempotencyKey: string | null;
      webhookId: string | null;
      signature: "verified" | "invalid" | "not checked";
      body: string;
      status: number;
    };

const MAX_KEPT = 200;

/** What arrived, newest first, bounded so that a long demo does not grow without end. */
export class ReceivedLog {
  readonly entries: Received[] = [];

  add(entry: Received): void {
    this.entries.unshift(entry);
    this.entries.length = Math.min(this.entries.length, MAX_KEPT);
    const line =
      entry.kind === "email"
        ? `email to ${entry.to.join(", ")}: ${entry.subject} (${entry.messageId})`
        : `${entry.method} ${entry.path} -> ${entry.status} (idempotency-key ${entry.idempotencyKey ?? "none"}, signature ${entry.signature})`;
    process.stdout.write(`[demo-receivers] ${line}\n`);
  }
}

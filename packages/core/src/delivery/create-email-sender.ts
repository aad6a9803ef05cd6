import { createTransport } from "nodemailer";
import addressparser from "nodemailer/lib/addressparser";

import { classifySmtpError } from "./classify-smtp-error.ts";
import { permanentFailure } from "./delivery-failure.ts";
import { referenceToken, type EmailReference } from "./delivery-reference.ts";
import { renderEmailHtml } from "./render-email-html.ts";

export const DEFAULT_EMAIL_SUBJECT = "Message from Leash";

export interface EmailToSend {
  to: string;
  subject: string | null;
  text: string;
  /** The HTML alternative; without it, one is rendered from the text. */
  html?: string;
  reference: EmailReference;
}

/** What the SMTP server took: the Message-ID it was sent with and the recipients it accepted. */
export type EmailSent = { messageId: string; accepted: string[] };

export interface EmailSender {
  send(email: EmailToSend): Promise<EmailSent>;
  /** Closes the pooled connections (idle ones at once, busy ones after their message); later sends fail. */
  close(): void;
}

export interface EmailSenderOptions {
  /** e.g. `smtp://user:pass@mail.example.com:587` or `smtps://...:465` (nodemailer's URL form). */
  smtpUrl: string;
  /** The From header, e.g. `Leash <leash@example.com>`; its domain ends every Message-ID. */
  from: string;
}

// Delivery runs inside the action's execution transaction (60 s at most): a server that is slow
// to answer fails the attempt well within it, and the attempt is retried.
const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

// A connection per message pays its handshake every time (TCP, greeting, EHLO, and STARTTLS and AUTH
// on a real server), which is most of a message's time (BENCHMARKS.md, micro-benchmarks). The pool
// keeps a few connections open and closes one idle for four minutes, before a server would. A
// message whose connection closed under it (a server that dropped an idle connection just then) is
// sent once more on a new one; after that the failure is the action's, which retries it by its own
// policy, so a server that keeps dropping connections never holds the execution's transaction long.
const pool = { pool: true, maxConnections: 4, maxRequeues: 1, idleTimeout: 4 * 60_000 } as const;

function domainOf(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const domain = first?.address.split("@").at(-1);
  if (!first?.address.includes("@") || !domain) throw new Error(`SMTP_FROM must hold an address with a domain, like "Leash <leash@example.com>" (got "${from}")`);
  return domain;
}

/**
 * Sends plain-text email (with a short HTML alternative) over SMTP. The Message-ID is the action's
 * (`<leash-action-42@domain>`), so every attempt of one action sends the same id and mail systems
 * and readers can drop a duplicate; SMTP itself has no idempotency, so delivery is at least once.
 */
export function createEmailSender({ smtpUrl, from }: EmailSenderOptions): EmailSender {
  const domain = domainOf(from);
  const transport = createTransport({ url: smtpUrl, ...pool, ...timeouts });
  return {
    async send({ to, subject, text, html, reference }) {
      const messageId = `<leash-${referenceToken(reference)}@${domain}>`;
      let info: { messageId: string; accepted: string[] };
      try {
        info = await transport.sendMail({ from, to, subject: subject ?? DEFAULT_EMAIL_SUBJECT, text, html: html ?? renderEmailHtml(text), messageId });
      } catch (error) {
        throw classifySmtpError(error, to);
      }
      // With one recipient a refusal is an error above; a server that took the message for nobody is one too.
      if (info.accepted.length === 0) throw permanentFailure(`Email to ${to} was accepted for no recipient`);
      return { messageId: info.messageId, accepted: info.accepted };
    },
    close() {
      transport.close();
    },
  };
}

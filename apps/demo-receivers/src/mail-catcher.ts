import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

import type { ReceivedLog } from "./received.ts";

/** An SMTP server that accepts every message and keeps it for the page: where the demo's email goes. */
export function startMailCatcher(log: ReceivedLog, { host, port }: { host: string; port: number }): SMTPServer {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          log.add({
            kind: "email",
            at: new Date(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((to) => to.address),
            subject: mail.subject ?? "(no subject)",
            messageId: mail.messageId ?? "",
            text: mail.text ?? "",
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  server.listen(port, host);
  return server;
}

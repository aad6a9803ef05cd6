import { createServer as createTcpServer, type AddressInfo } from "node:net";

import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
}

export interface SmtpCatcher {
  url: string;
  mails: CaughtMail[];
  /** Recipients the server refuses at RCPT TO, with the reply it gives (e.g. 550 for an unknown mailbox). */
  refuse: Map<string, { code: number; message: string }>;
  /** How many connections clients opened so far. */
  readonly connections: number;
  /** Ends every open connection with a 421, as a server does to a connection idle for too long. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives, parsed by mailparser: for tests of anything that sends email. */
export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = [];
  const refuse = new Map<string, { code: number; message: string }>();
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // A client that did not close its pooled connections (a failed test) does not hold the server's close for 30 s.
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = refuse.get(address.address);
      if (!refusal) {
        callback();
        return;
      }
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const from = session.envelope.mailFrom;
          mails.push({ envelope: { from: from ? from.address : "", to: session.envelope.rcptTo.map((to) => to.address) }, parsed });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse,
    get connections() {
      return connections;
    },
    dropConnections() {
      for (const connection of server.connections) connection.send(421, "Idle for too long, closing connection");
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server that accepts a connection and drops it at once: a mail server that went away mid-session. */
export async function startDroppingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createTcpServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { createTransport } from "nodemailer";
import pg from "pg";

import { createEmailSender } from "@leash/core";
import { startSmtpCatcher } from "@leash/core/testing";
import { createDb } from "@leash/db";

import { wallClock } from "../load.ts";
import { distribution, type Distribution } from "../stats.ts";

/** One call of the data layer, repeated one at a time in the harness's process. */
export interface MicroResult {
  label: string;
  calls: number;
  /** User + system CPU time of the calling process per call (the database server's is not counted). */
  cpuMsPerCall: number;
  wallMs: Distribution;
}

/** Runs `call` a few times unmeasured (`warmup`, at most 200 by default), then `calls` times one after another, timing CPU and wall clock. */
async function measure(label: string, calls: number, call: () => Promise<unknown>, warmup = Math.min(200, calls)): Promise<MicroResult> {
  for (let index = 0; index < warmup; index += 1) await call();
  const walls: number[] = [];
  const before = process.cpuUsage();
  for (let index = 0; index < calls; index += 1) {
    const start = wallClock();
    await call();
    walls.push(wallClock() - start);
  }
  const used = process.cpuUsage(before);
  return {
    label,
    calls,
    cpuMsPerCall: (used.user + used.system) / 1000 / calls,
    wallMs: distribution(walls),
  };
}

/**
 * What one call costs the caller through Prisma's client (as packages/db builds it: driver adapter,
 * named statements) against bare `pg`, for the shapes of statement the hot paths use.
 */
export async function measureMicro(databaseUrl: string, calls: number): Promise<MicroResult[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const db = createDb({ connectionString: databaseUrl, maxConnections: 1 });
  try {
    const { rows } = await pool.query<{ id: number | null }>("SELECT max(id) AS id FROM agent_action");
    const id = rows[0]?.id;
    if (id === null || id === undefined)
      throw new Error("the micro-benchmarks read an action: none was found");
    const select = "SELECT * FROM agent_action WHERE id = $1";
    return [
      await measure("bare `pg`: one row by primary key", calls, () => pool.query(select, [id])),
      await measure("Prisma `findUnique`: the same row", calls, () =>
        db.agentAction.findUnique({ where: { id } }),
      ),
      await measure(
        "Prisma `$queryRaw`: the same row",
        calls,
        () => db.$queryRaw`SELECT * FROM agent_action WHERE id = ${id}`,
      ),
      await measure("bare `pg`: BEGIN, two reads, COMMIT", calls, async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query(select, [id]);
          await client.query(select, [id]);
          await client.query("COMMIT");
        } finally {
          client.release();
        }
      }),
      await measure("Prisma interactive transaction with two reads", calls, () =>
        db.$transaction(async (tx) => {
          await tx.agentAction.findUnique({ where: { id } });
          await tx.agentAction.findUnique({ where: { id } });
        }),
      ),
    ];
  } finally {
    await db.$disconnect();
    await pool.end();
  }
}

/** Messages each way of sending email is timed over: fewer than the data layer's calls, since a new connection per message waits for the server's greeting. */
const MAIL_CALLS = 100;
const MAIL_WARMUP = 10;

/**
 * One email at a time to a local SMTP server (smtp-server, as the tests and the demo use, in the
 * harness's own process, so the CPU column counts both ends): with a new connection per message, as
 * nodemailer sends by default and Leash did before its sender pooled them, against Leash's sender.
 * smtp-server waits a tenth of a second before greeting a new connection, as servers that screen
 * early talkers do; a pooled connection pays it once.
 */
export async function measureMail(): Promise<MicroResult[]> {
  const smtp = await startSmtpCatcher();
  const from = "Leash bench <bench@bench.invalid>";
  const perMessage = createTransport({ url: smtp.url });
  const pooled = createEmailSender({ smtpUrl: smtp.url, from });
  let sent = 0;
  const email = () => {
    sent += 1;
    return { to: `reader${sent}@bench.invalid`, subject: null, text: `Message ${sent}`, reference: { actionId: sent } };
  };
  try {
    return [
      await measure(
        "email: a new SMTP connection per message",
        MAIL_CALLS,
        () => {
          const { to, text } = email();
          return perMessage.sendMail({ from, to, text });
        },
        MAIL_WARMUP,
      ),
      await measure("email: Leash's sender (pooled SMTP connections)", MAIL_CALLS, () => pooled.send(email()), MAIL_WARMUP),
    ];
  } finally {
    perMessage.close();
    pooled.close();
    await smtp.close();
  }
}

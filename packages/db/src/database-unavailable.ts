/**
 * Whether an error means the database could not be reached or dropped the connection (it is down,
 * restarting, refusing connections, or the pool found no connection in time), as opposed to a
 * statement it refused. Callers answer such errors "unavailable, try again" instead of "internal
 * error". The error may come from pg itself, from Prisma's driver adapter (which names a `kind`) or
 * from Prisma's client (which wraps either), so the whole chain of causes is searched.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length) {
    const candidate = pending.pop();
    if (typeof candidate !== "object" || candidate === null || seen.has(candidate)) continue;
    seen.add(candidate);
    const fields = candidate as Record<string, unknown>;
    if (typeof fields.kind === "string" && UNAVAILABLE_KINDS.has(fields.kind)) return true;
    for (const code of [fields.code, fields.originalCode]) {
      if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true;
    }
    if (typeof fields.message === "string" && UNAVAILABLE_MESSAGES.some((text) => (fields.message as string).includes(text))) return true;
    pending.push(fields.cause, fields.meta, fields.driverAdapterError);
  }
  return false;
}

/** The driver adapter's names for a connection that failed (@prisma/driver-adapter-utils). */
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

const UNAVAILABLE_CODES = new Set([
  // Node's socket errors.
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN",
  // PostgreSQL: shutting down, crashed, starting up, too many connections (class 08, connection exceptions, above).
  "57P01", "57P02", "57P03", "53300",
  // Prisma: cannot reach, timed out, closed the connection, no connection from the pool in time.
  "P1001", "P1002", "P1008", "P1017", "P2024",
]);

/**
 * What pg says when a connection ends under it (it carries no code), and Prisma's P2028 when a
 * transaction could not even begin within its `maxWait`: like P2024, no connection was free in time
 * (behind a transaction-mode pooler, BEGIN itself waits for a server connection), and nothing ran.
 * P2028's other messages (a transaction that outlived its timeout) are not unavailability.
 */
const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error",
  "timeout exceeded when trying to connect",
  "Unable to start a transaction in the given time",
];

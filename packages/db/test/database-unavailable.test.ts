import { describe, expect, it } from "vitest";

import { isDatabaseUnavailable, Prisma } from "../src/index.ts";

const known = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError("message", { code, clientVersion: "7.10.1", ...(meta ? { meta } : {}) });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["a refused socket", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["pg's ended connection", new Error("Connection terminated unexpectedly")],
    ["an administrator's shutdown", Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" })],
    ["a server starting up", Object.assign(new Error("the database system is starting up"), { code: "57P03" })],
    ["a connection exception (class 08)", Object.assign(new Error("connection failure"), { code: "08006" })],
    ["Prisma's cannot reach", known("P1001")],
    ["the driver adapter's kind, wrapped by Prisma", known("P2010", { driverAdapterError: { cause: { kind: "DatabaseNotReachable", host: "h", port: 1 } } })],
    ["a cause several levels down", new Error("outer", { cause: new Error("middle", { cause: { kind: "ConnectionClosed" } }) })],
    [
      "a transaction that could not begin in time (every connection busy, or the pooler's queue)",
      new Prisma.PrismaClientKnownRequestError("Transaction API error: Unable to start a transaction in the given time.", { code: "P2028", clientVersion: "7.10.1" }),
    ],
  ])("%s is unavailability", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", known("P2002")],
    ["a refused statement", Object.assign(new Error("invalid input syntax"), { code: "22P02" })],
    ["a raw query failure that mentions a host", known("P2010", { message: "ConnectorError(... 127.0.0.1:5432 ...)" })],
    ["a programming error", new TypeError("Cannot read properties of undefined")],
    [
      "a transaction that outlived its timeout",
      new Prisma.PrismaClientKnownRequestError("Transaction API error: A query cannot be executed on an expired transaction.", { code: "P2028", clientVersion: "7.10.1" }),
    ],
    ["not an error", "ECONNREFUSED"],
    ["a cycle of causes", (() => { const a: { cause?: unknown } = {}; a.cause = a; return a; })()],
  ])("%s is not", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

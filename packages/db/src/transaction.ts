import type { Prisma } from "./generated/prisma/client.ts";

/** The client handed to code running inside `db.$transaction(async (tx) => ...)`. */
export type DbTransaction = Prisma.TransactionClient;

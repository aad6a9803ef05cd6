import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "./generated/prisma/client.ts";

export interface CreateDbOptions {
  connectionString: string;
  /** Pool size of the underlying `pg` pool. */
  maxConnections?: number;
}

export type Db = PrismaClient;

/** Builds a Prisma client on the `pg` driver adapter (no native query engine involved). */
export function createDb({ connectionString, maxConnections = 10 }: CreateDbOptions): Db {
  const adapter = new PrismaPg({ connectionString, max: maxConnections });
  return new PrismaClient({ adapter });
}

import { Prisma } from "./generated/prisma/client.ts";

/**
 * Whether a write was refused for a duplicate of a unique key, however it reached the database:
 * Prisma's model API (P2002), Prisma's `$queryRaw` (P2010, naming the driver's
 * UniqueConstraintViolation), or SQL sent to the pool directly (PostgreSQL's 23505, see sql.ts).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return error.code === "P2002" || (error.code === "P2010" && JSON.stringify(error.meta ?? {}).includes('"kind":"UniqueConstraintViolation"'));
  }
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

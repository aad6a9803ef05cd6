import type { Logger } from "@leash/core";
import type { Db } from "@leash/db";

export interface Readiness {
  ok: boolean;
  checks: Record<string, "ok" | "unavailable">;
}

/**
 * What /readyz answers: whether Postgres and Redis answer, as "ok" or "unavailable". /readyz is open
 * to anyone, so the errors themselves (hosts, ports, database and user names) go to the log only.
 */
export function readinessCheck({ db, redis, logger }: { db: Pick<Db, "$queryRaw">; redis: { ping(): Promise<unknown> }; logger: Logger }): () => Promise<Readiness> {
  const check = (name: string, probe: () => Promise<unknown>) =>
    probe().then(
      () => "ok" as const,
      (error: unknown) => {
        logger.warn({ check: name, err: error }, "readiness check failed");
        return "unavailable" as const;
      },
    );
  return async () => {
    const checks = {
      postgres: await check("postgres", () => db.$queryRaw`SELECT 1`),
      redis: await check("redis", () => redis.ping()),
    };
    return { ok: Object.values(checks).every((value) => value === "ok"), checks };
  };
}

import { z } from "zod";

/** The settings of this folder's scripts (`pnpm demo:agent`, `pnpm measure:export`), each a process of its own, read once here. */
export const env = z
  .object({
    LEASH_API_URL: z.url().default("http://127.0.0.1:3001/trpc"),
    LEASH_API_KEY: z.string().min(1).optional(),
    DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/leash"),
    /** The console, named in what to do next. */
    WEB_BASE_URL: z.url().default("http://127.0.0.1:3000"),
    /** The demo receivers' HTTP port (apps/demo-receivers): their page shows what the demo's email and request looked like. */
    DEMO_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3004),
    /** How many actions the export measurement fills its database with. */
    EXPORT_ROWS: z.coerce.number().int().min(1).default(100_000),
  })
  .parse(process.env);

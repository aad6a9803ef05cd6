/**
 * Measures the memory an export of 100,000 actions takes (`pnpm --filter @leash/api measure:export`):
 * fills a database of its own, streams both formats through the real HTTP server, samples the
 * process's resident set size meanwhile, and compares with reading the same rows all at once.
 * Prints figures; asserts nothing (memory and time are for notes and benchmarks, not tests).
 */
import { createTestEnvironment, createTestTenant } from "@leash/core/testing";

import { startTestApi } from "../test/support.ts";
import { env } from "./env.ts";

const ROWS = env.EXPORT_ROWS;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function collectGarbage() {
  if (typeof globalThis.gc === "function") globalThis.gc();
}

/** Runs `work` while sampling RSS every 10 ms; returns the peak. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

const environment = await createTestEnvironment();
try {
  const tenant = await createTestTenant(environment.db, "export-memory");
  await environment.db.$executeRaw`
    INSERT INTO agent_action (tenant_id, proposer_label, action_type, parameters, status, requires_approval, created_at, updated_at)
    SELECT ${tenant.id}::uuid, 'measure', 'notify',
           jsonb_build_object('channel', 'email', 'recipient', 'ops@example.com', 'message', 'Nightly run ' || g || ', all "green"'),
           'executed', false, now(), now()
    FROM generate_series(1, ${ROWS}) AS g`;
  const api = await startTestApi(environment);
  try {
    const download = async (format: "csv" | "json") => {
      const response = await fetch(`${api.baseUrl}/export/actions.${format}`, { headers: { authorization: `Bearer ${tenant.keys.viewer}` } });
      const reader = response.body?.getReader();
      if (!reader) throw new Error("no body");
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return bytes;
        bytes += (value as Uint8Array).byteLength;
      }
    };
    await download("json"); // warm up (module loading, connection pool, JIT)
    console.log(`rows: ${ROWS.toLocaleString("en")}; node ${process.version}`);
    for (const format of ["csv", "json"] as const) {
      collectGarbage();
      const baseline = process.memoryUsage().rss;
      const { result: bytes, peak } = await peakRss(() => download(format));
      console.log(`${format.padEnd(4)} streamed: ${mb(bytes)} sent, RSS ${mb(baseline)} before, peak ${mb(peak)} (+${mb(peak - baseline)})`);
    }
    collectGarbage();
    const baseline = process.memoryUsage().rss;
    const { result: length, peak } = await peakRss(async () => {
      const rows = await environment.db.agentAction.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "desc" } });
      return JSON.stringify(rows).length;
    });
    console.log(`for comparison, all rows read at once: ${mb(length)} of JSON, RSS ${mb(baseline)} before, peak ${mb(peak)} (+${mb(peak - baseline)})`);
    console.log(`process peak RSS (maxRSS): ${mb(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    await api.close();
  }
} finally {
  await environment.close();
}

import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";

import type pg from "pg";

import { sleep, wallClock } from "../load.ts";
import type { ApiExportResult } from "./history.ts";

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? Number.NaN);
}

/** Resets the process's peak resident size (VmHWM), so the peak read afterwards belongs to what ran in between. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * Downloads the CSV export through the API and watches the API process's memory meanwhile. Answers
 * null when the API has no export endpoint.
 */
export async function measureExport(options: { apiUrl: string; apiKey: string; apiPid: number; query: string }): Promise<ApiExportResult | null> {
  const url = new URL(`/export/actions.csv?${options.query}`, options.apiUrl);
  const rssBefore = statusKb(options.apiPid, "VmRSS");
  const peakWasReset = resetPeak(options.apiPid);
  let sampledPeak = rssBefore;
  const sampling = new AbortController();
  const sampler = (async () => {
    while (!sampling.signal.aborted) {
      sampledPeak = Math.max(sampledPeak, statusKb(options.apiPid, "VmRSS"));
      await sleep(10);
    }
  })();
  const started = wallClock();
  const outcome = await new Promise<{ status: number; bytes: number; lines: number }>((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${options.apiKey}` } }, (response) => {
      let bytes = 0;
      let lines = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 10) lines += 1;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes, lines }));
      response.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
  const seconds = (wallClock() - started) / 1000;
  sampling.abort();
  await sampler;
  if (outcome.status === 404) return null;
  if (outcome.status !== 200) throw new Error(`export answered ${outcome.status}`);
  const peakKb = peakWasReset ? Math.max(statusKb(options.apiPid, "VmHWM"), sampledPeak) : sampledPeak;

  return {
    rows: Math.max(0, outcome.lines - 1),
    seconds,
    bytes: outcome.bytes,
    rssBeforeMb: rssBefore / 1024,
    peakRssMb: peakKb / 1024,
  };
}

/** The export's baseline: the rows of `sql` read by keyset pages on bare pg and formatted as CSV, nothing kept. Answers the seconds it took. */
export async function measureRawExport(pool: pg.Pool, sql: string, params: unknown[]): Promise<number> {
  const started = wallClock();
  let lastId = 2_147_483_647;
  for (;;) {
    const { rows } = await pool.query<Record<string, unknown> & { id: number }>(`${sql} AND id < $${params.length + 1} ORDER BY id DESC LIMIT 5000`, [...params, lastId]);
    if (rows.length === 0) break;
    for (const row of rows) Object.values(row).map((value) => JSON.stringify(value)).join(",");
    lastId = rows.at(-1)?.id ?? 0;
  }
  return (wallClock() - started) / 1000;
}

import pg from "pg";
import { createFixtures, recreateBenchDatabase } from "./bench-database.ts";
import { createHttpClient } from "./http-client.ts";
import { startStack } from "./stack.ts";
import { fillHistory, measureLists } from "./scenarios/history.ts";
const url = await recreateBenchDatabase();
const fixtures = await createFixtures(url, { itemCount: 100, agentKeys: 1, slack: { teamId: "TBENCH", channelId: "CBENCHAPPROVALS", userId: "UBENCHAPPROVER" } });
const pool = new pg.Pool({ connectionString: url, max: 4 });
const stack = await startStack({ databaseUrl: url, redisUrl: "redis://127.0.0.1:6379", profile: false });
const http = createHttpClient(stack.apiUrl, { maxSockets: 4 });
try {
  process.stdout.write(`insert ${await fillHistory(pool, fixtures.history, Number(process.argv[2] ?? 1_000_000))} s\n`);
  for (const l of await measureLists({ pool, http, tenant: fixtures.history, apiKey: fixtures.history.adminKey, calls: 40 }))
    process.stdout.write(`${l.label.padEnd(40)} leash ${l.leashMs.p50.toFixed(1)}/${l.leashMs.p99.toFixed(1)} raw ${l.rawMs.p50.toFixed(1)}/${l.rawMs.p99.toFixed(1)} rows ${l.rows} | ${l.plan}\n`);
} finally { http.close(); await stack.stop(); await pool.end(); }

import { createFixtures, recreateBenchDatabase } from "./bench-database.ts";
import { createHttpClient } from "./http-client.ts";
import { createLeashPipeline } from "./leash-pipeline.ts";
import { startStack } from "./stack.ts";
import { runLoad } from "./scenarios/load-run.ts";
import { measureApprovals } from "./scenarios/approvals.ts";
const redisUrl = "redis://127.0.0.1:6379";
const url = await recreateBenchDatabase();
const fixtures = await createFixtures(url, { itemCount: 2000, agentKeys: 8, slack: { teamId: "TBENCH", channelId: "CBENCHAPPROVALS", userId: "UBENCHAPPROVER" } });
const stack = await startStack({ databaseUrl: url, redisUrl, profile: process.argv.includes("--profile") });
const http = createHttpClient(stack.apiUrl);
const leash = createLeashPipeline({ http, fixtures, databaseUrl: url, redisUrl, tag: Date.now().toString(36), processes: [{ name: "api", pid: stack.api.pid }, { name: "worker", pid: stack.worker.pid }] });
try {
  const appr = await measureApprovals(leash.pipeline, await leash.pipeline.proposePending(30), 10);
  console.log("approve->executed", appr.approveToExecutedMs.p50.toFixed(1), appr.approveToExecutedMs.p99.toFixed(1));
  const r300 = await runLoad(leash.pipeline, { ratePerSecond: 150, durationMs: 6000, warmupMs: 1500 }, 1e6);
  console.log("150/s", r300.executedPerSecond.p50, "propose", r300.proposeLatencyMs.p50.toFixed(1), r300.proposeLatencyMs.p99.toFixed(1), "toExec", r300.proposeToExecutedMs.p50.toFixed(1), r300.proposeToExecutedMs.p99.toFixed(1), "cpu/action", JSON.stringify(r300.cpuMsPerAction));
  const sat = await runLoad(leash.pipeline, { agents: 48, durationMs: 8000, warmupMs: 2000 }, 2e6);
  console.log("saturation executed/s", sat.executedPerSecond.p50, "sustained", sat.sustainedPerSecond.toFixed(0), "backlog", sat.backlogAtWindowStart, "->", sat.backlogAtLoadEnd, "propose p50", sat.proposeLatencyMs.p50.toFixed(1), "errors", sat.errors, sat.firstError, "cpu/action", JSON.stringify(sat.cpuMsPerAction));
} finally {
  await leash.close(); http.close(); await stack.stop();
}

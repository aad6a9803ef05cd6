import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { z } from "zod";

/** Where one process spent its busy CPU time in a `node --cpu-prof` profile, by self time. */
export interface ProfileSummary {
  process: string;
  /** Milliseconds of the profile summarised (its end, from the load's start to the process's exit), and those of them not idle. */
  profiledMs: number;
  busyMs: number;
  /** The largest shares of busy time, by module (package, app, or the runtime's own part) and by function. */
  topModules: { name: string; share: number }[];
  topFunctions: { name: string; module: string; share: number }[];
}

/** The parts of V8's `.cpuprofile` format the summary reads. */
const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** V8's pseudo-frames: `(idle)` is not busy; the others are the runtime's own work. */
const IDLE = "(idle)";

/**
 * The module a frame belongs to: a package from node_modules (pnpm's layout), a workspace package
 * or app, Node's own JavaScript, or, for a frame without a file (a native function such as
 * `writev`, or a V8 pseudo-frame such as the garbage collector), its own name.
 */
export function moduleOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : `native ${functionName || "(anonymous)"}`;
  if (url.startsWith("node:")) return "node (runtime)";
  // Prisma's query compiler is the WebAssembly these apps load; V8 names it by a hash only.
  if (url.startsWith("wasm://")) return "WebAssembly";
  const path = decodeURIComponent(url.replace(/^file:\/\//, ""));
  const inModules = path.lastIndexOf("/node_modules/");
  if (inModules >= 0) {
    const [scope, name] = path.slice(inModules + "/node_modules/".length).split("/");
    return scope?.startsWith("@") ? `${scope}/${name ?? ""}` : (scope ?? path);
  }
  const workspace = /\/(apps|packages|bench)\/([^/]+)\//.exec(path);
  if (workspace) return workspace[1] === "bench" ? "bench" : `${workspace[1]}/${workspace[2]}`;
  return path;
}

const top = <T extends { share: number }>(entries: T[], count: number): T[] =>
  entries.sort((a, b) => b.share - a.share).slice(0, count);

/**
 * Summarises the main thread's profile among those a process wrote into `dir` (one per thread:
 * tsx's loader runs in a thread of its own). Node names each `CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile`,
 * the main thread being thread 0. Only its last `windowMs` count, so the process's start (loading
 * and compiling its modules) does not.
 */
export function summariseProfiles(
  dir: string,
  processName: string,
  windowMs: number,
  count = 8,
): ProfileSummary | null {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(".cpuprofile"));
  } catch {
    return null;
  }
  const main = files.find((file) => file.split(".")[4] === "0");
  if (!main) return null;
  const profile = profileSchema.parse(JSON.parse(readFileSync(join(dir, main), "utf8")));
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  // Each sample's time is the delta that follows it (V8 records the delta before the next sample).
  const selfUs = new Map<number, number>();
  const from = profile.endTime - windowMs * 1000;
  let at = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (at >= from) selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + (profile.timeDeltas[index + 1] ?? 0));
  });
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, { name: string; module: string; us: number }>();
  let busyUs = 0;
  for (const [nodeId, us] of selfUs) {
    const frame = frames.get(nodeId);
    if (!frame || frame.functionName === IDLE) continue;
    busyUs += us;
    const module = moduleOf(frame.url, frame.functionName);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
    const name = frame.functionName || "(anonymous)";
    const key = `${name} ${frame.url}:${frame.lineNumber}`;
    const entry = byFunction.get(key) ?? { name, module, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  return {
    process: processName,
    profiledMs: Math.min(windowMs, (profile.endTime - profile.startTime) / 1000),
    busyMs: busyUs / 1000,
    topModules: top(
      [...byModule].map(([name, us]) => ({ name, share: share(us) })),
      count,
    ),
    topFunctions: top(
      [...byFunction.values()].map((entry) => ({
        name: entry.name,
        module: entry.module,
        share: share(entry.us),
      })),
      count,
    ),
  };
}

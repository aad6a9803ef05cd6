import { readdirSync, readFileSync } from "node:fs";

/**
 * A process whose CPU time a scenario reports per action, or every process whose command name
 * starts with `command` (PostgreSQL runs a process per connection).
 */
export type MeasuredProcess = { name: string; pid: number } | { name: string; command: string };

/** The shared services, measured for every pipeline: their figures include whatever else uses them meanwhile. */
export const sharedServices: MeasuredProcess[] = [
  { name: "postgres (all backends)", command: "postgres" },
  { name: "redis", command: "redis-server" },
];

const TICKS_PER_SECOND = 100;

/** Command name and user plus system CPU time so far (ms) of a process, from /proc/<pid>/stat; null once it is gone. */
function readStat(pid: string): { command: string; ms: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    return { command: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), ms };
  } catch {
    return null;
  }
}

/** CPU ms so far of each live process whose command starts with `command`, by pid. */
function commandMs(command: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    const stat = readStat(pid);
    if (stat?.command.startsWith(command)) found.set(pid, stat.ms);
  }
  return found;
}

/**
 * Starts counting CPU time of `processes`; the returned function answers the milliseconds each used
 * since. A process of a group that started meanwhile counts in full; one that ended is lost.
 */
export function startCpuCount(processes: readonly MeasuredProcess[]): () => Record<string, number> {
  const start = processes.map((process) => ("pid" in process ? { process, pids: new Map([[String(process.pid), readStat(String(process.pid))?.ms ?? 0]]) } : { process, pids: commandMs(process.command) }));
  return () =>
    Object.fromEntries(
      start.map(({ process, pids }) => {
        const now = "pid" in process ? new Map([[String(process.pid), readStat(String(process.pid))?.ms ?? 0]]) : commandMs(process.command);
        let used = 0;
        for (const [pid, ms] of now) used += ms - (pids.get(pid) ?? 0);
        return [process.name, used];
      }),
    );
}

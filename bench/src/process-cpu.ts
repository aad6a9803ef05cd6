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

/** What is read of a live process: its command name and one running total; null once it is gone (or unreadable). */
type ProcessReading = (pid: string) => { command: string; total: number } | null;

/** The command name of a process, from /proc/<pid>/stat, and the fields after it. */
function readStat(pid: string): { command: string; fields: string[] } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ")".
    return { command: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), fields: stat.slice(stat.lastIndexOf(")") + 2).split(" ") };
  } catch {
    return null;
  }
}

/** User plus system CPU time so far, in ms. */
const cpuMs: ProcessReading = (pid) => {
  const stat = readStat(pid);
  return stat ? { command: stat.command, total: ((Number(stat.fields[11]) + Number(stat.fields[12])) * 1000) / TICKS_PER_SECOND } : null;
};

/**
 * Write system calls so far (`syscw` of /proc/<pid>/io: write and writev, on sockets, files and
 * pipes alike, but not send or sendto), every thread of the process included.
 */
const writeCalls: ProcessReading = (pid) => {
  const stat = readStat(pid);
  if (!stat) return null;
  try {
    const written = /^syscw:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"));
    return written ? { command: stat.command, total: Number(written[1]) } : null;
  } catch {
    return null;
  }
};

/** The running total of each live process whose command starts with `command`, by pid. */
function commandTotals(command: string, read: ProcessReading): Map<string, number> {
  const found = new Map<string, number>();
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    const reading = read(pid);
    if (reading?.command.startsWith(command)) found.set(pid, reading.total);
  }
  return found;
}

/**
 * Starts counting a running total of `processes`; the returned function answers how much each
 * added since. A process of a group that started meanwhile counts in full; one that ended is lost.
 */
function startCount(processes: readonly MeasuredProcess[], read: ProcessReading): () => Record<string, number> {
  const totals = (process: MeasuredProcess) =>
    "pid" in process ? new Map([[String(process.pid), read(String(process.pid))?.total ?? 0]]) : commandTotals(process.command, read);
  const start = processes.map((process) => ({ process, pids: totals(process) }));
  return () =>
    Object.fromEntries(
      start.map(({ process, pids }) => {
        let added = 0;
        for (const [pid, total] of totals(process)) added += total - (pids.get(pid) ?? 0);
        return [process.name, added];
      }),
    );
}

/** Starts counting the CPU time of `processes`; the returned function answers the milliseconds each used since. */
export function startCpuCount(processes: readonly MeasuredProcess[]): () => Record<string, number> {
  return startCount(processes, cpuMs);
}

/** Starts counting the write system calls of `processes`; the returned function answers how many each made since. */
export function startWriteCount(processes: readonly MeasuredProcess[]): () => Record<string, number> {
  return startCount(processes, writeCalls);
}

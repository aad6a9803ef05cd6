import { readFileSync } from "node:fs";

/** A process whose CPU time a scenario reports per action. */
export interface MeasuredProcess {
  name: string;
  pid: number;
}

const TICKS_PER_SECOND = 100;

/** User plus system CPU time of a process so far, in milliseconds, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** Starts counting CPU time of `processes`; the returned function answers the milliseconds each used since. */
export function startCpuCount(processes: readonly MeasuredProcess[]): () => Record<string, number> {
  const start = processes.map((process) => ({ ...process, at: cpuMs(process.pid) }));
  return () => Object.fromEntries(start.map((process) => [process.name, cpuMs(process.pid) - process.at]));
}

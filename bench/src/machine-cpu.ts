import { readFileSync } from "node:fs";

/** Shares of all cores' time over an interval. */
export interface MachineCpu {
  /** Spent running anything on this machine (user, system, interrupts): the harness, the pipeline, the servers and whatever else ran. */
  busy: number;
  /** Taken by the hypervisor for other guests while this machine had work to run: a host busy elsewhere shows here. */
  steal: number;
}

/** The first line of /proc/stat: time of all cores since boot, in ticks, by what it went to. */
function readTicks(): { total: number; busy: number; steal: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal (guest time is counted in user already).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, busy: user + nice + system + irq + softirq, steal };
}

/** Starts counting the machine's CPU time; the returned function answers the shares spent since. */
export function startMachineCpuCount(): () => MachineCpu {
  const start = readTicks();
  return () => {
    const end = readTicks();
    const total = end.total - start.total;
    return total > 0 ? { busy: (end.busy - start.busy) / total, steal: (end.steal - start.steal) / total } : { busy: Number.NaN, steal: Number.NaN };
  };
}

import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterEach, describe, expect, it } from "vitest";

// The script's decisions, on a pretend machine: its PATH holds stand-ins for every server, package and
// privilege command (each records how it was called) and the few real tools the script itself needs, so the
// machine's real PostgreSQL and Redis are neither seen nor touched.
const script = fileURLToPath(new URL("../ensure-services.sh", import.meta.url));
const realTools = ["bash", "env", "dirname", "timeout"];

const postgresCommands = [
  "pg_isready",
  "pg_lsclusters",
  "pg_createcluster",
  "pg_dropcluster",
  "pg_ctlcluster",
  "psql",
];
const redisCommands = ["redis-server", "redis-cli"];
const probes = new Set(["pg_isready", "pg_lsclusters", "redis-cli", "psql", "ss", "id"]);

/** Each stand-in's body; clusters are lines of "version name port status auth" in the file `clusters`. */
function standIns(state: string, bin: string): Record<string, string> {
  const clusters = join(state, "clusters");
  return {
    id: `cat ${state}/uid`,
    sudo: `PATH=$CALLER_PATH exec "$@"`,
    "apt-get": `
      [[ $1 == install ]] || exit 0
      for package in "$@"; do
        case $package in
          postgresql)
            for command in ${postgresCommands.join(" ")}; do cp ${state}/available/$command ${bin}/; done
            mkdir -p ${state}/pglib/15/bin && touch ${state}/pglib/15/bin/initdb
            # As Debian's postinst does: a cluster wanting a password over TCP, left stopped without systemd.
            echo "15 main 5432 down scram" >> ${clusters} ;;
          redis-server)
            for command in ${redisCommands.join(" ")}; do cp ${state}/available/$command ${bin}/; done ;;
          pgbouncer|haproxy)
            printf '#!/bin/bash\n' > ${state}/sbin/$package && chmod +x ${state}/sbin/$package ;;
        esac
      done`,
    ss: `grep ":\${2##*:} " ${state}/listeners 2>/dev/null; exit 0`,
    sleep: "",
    pg_isready: `grep -q '^[^ ]* [^ ]* 5432 online' ${clusters} 2>/dev/null || exit 2`,
    pg_lsclusters: `
      [[ -e ${clusters} ]] || exit 0
      while read -r version name port status auth; do
        echo "$version $name $port $status postgres /var/lib/postgresql/$version/$name /var/log/postgresql/postgresql-$version-$name.log"
      done < ${clusters}`,
    pg_createcluster: `
      version=$1 name=$2 port=5432 status=down auth=scram
      shift 2
      while (($#)); do
        case $1 in --port) port=$2; shift ;; --start) status=online ;; --auth-host=trust) auth=trust ;; esac
        shift
      done
      echo "$version $name $port $status $auth" >> ${clusters}`,
    pg_dropcluster: `sed -i "/^$2 $3 /d" ${clusters}`,
    pg_ctlcluster: `sed -i "s/^$2 $3 \\([0-9]*\\) down/$2 $3 \\1 online/" ${clusters}`,
    psql: `
      grep -q '^[^ ]* [^ ]* 5432 online trust' ${clusters} 2>/dev/null && { echo 1; exit 0; }
      echo 'psql: error: connection to server at "127.0.0.1", port 5432 failed: fe_sendauth: no password supplied' >&2
      exit 2`,
    "redis-server": `touch ${state}/redis-running`,
    "redis-cli": `
      [[ -e ${state}/redis-running ]] && { echo PONG; exit 0; }
      echo "Could not connect to Redis at 127.0.0.1:6379: Connection refused" >&2
      exit 1`,
  };
}

interface Machine {
  root?: boolean;
  sudo?: boolean;
  /** Whether apt-get is there (true unless said otherwise). */
  debian?: boolean;
  /** Stand-ins present from the start, beyond id, ss, sleep (and apt-get, sudo as said). */
  commands?: string[];
  clusters?: string[];
  redisRunning?: boolean;
  /** What `ss -Hltnp` shows. */
  listeners?: string[];
  /** Which of pgbouncer and haproxy are installed (both unless said otherwise). */
  tools?: ("pgbouncer" | "haproxy")[];
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every stand-in call, as "command arguments...". */
  calls: string[];
}

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

async function runOn(machine: Machine, env: Record<string, string> = {}): Promise<Run> {
  const root = await mkdtemp(join(tmpdir(), "leash-ensure-services-"));
  directories.push(root);
  const [bin, tools, state] = ["bin", "tools", "state"].map((name) => join(root, name)) as [
    string,
    string,
    string,
  ];
  await Promise.all(
    [bin, tools, join(state, "available"), join(state, "sbin")].map((directory) => mkdir(directory, { recursive: true })),
  );
  await Promise.all(realTools.map((tool) => symlink(`/usr/bin/${tool}`, join(tools, tool))));

  for (const [name, body] of Object.entries(standIns(state, bin))) {
    const file = join(state, "available", name);
    // Stand-ins use the real tools for their own work; sudo hands the caller's PATH on.
    await writeFile(
      file,
      `#!/bin/bash\necho "${name} $*" >> ${state}/calls.log\nCALLER_PATH=$PATH\nPATH=/usr/bin:/bin\n${body}\n`,
    );
    await chmod(file, 0o755);
  }
  const present = [
    "id",
    ...(machine.debian === false ? [] : ["apt-get"]),
    "ss",
    "sleep",
    ...(machine.sudo ? ["sudo"] : []),
    ...(machine.commands ?? []),
  ];
  await Promise.all(present.map((name) => copyFile(join(state, "available", name), join(bin, name))));
  if (machine.commands?.includes("pg_createcluster")) {
    await mkdir(join(state, "pglib", "15", "bin"), { recursive: true });
    await writeFile(join(state, "pglib", "15", "bin", "initdb"), "");
  }
  await writeFile(join(state, "uid"), machine.root === false ? "1000\n" : "0\n");
  await writeFile(join(state, "clusters"), (machine.clusters ?? []).map((line) => `${line}\n`).join(""));
  await writeFile(join(state, "listeners"), (machine.listeners ?? []).map((line) => `${line}\n`).join(""));
  if (machine.redisRunning) await writeFile(join(state, "redis-running"), "");
  for (const tool of machine.tools ?? ["pgbouncer", "haproxy"]) {
    await writeFile(join(state, "sbin", tool), "#!/bin/bash\n", { mode: 0o755 });
  }

  const { code, stdout, stderr } = await new Promise<Omit<Run, "calls">>((resolve, reject) => {
    const child = spawn(script, [], {
      env: { PATH: `${bin}:${tools}`, LEASH_PG_LIB_DIR: join(state, "pglib"), LEASH_SBIN_DIR: join(state, "sbin"), ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (exitCode) => {
      resolve({ code: exitCode, stdout: out, stderr: err });
    });
  });
  const log = await readFile(join(state, "calls.log"), "utf8").catch(() => "");
  return { code, stdout, stderr, calls: log.split("\n").filter(Boolean) };
}

const commandsCalled = (run: Run) => new Set(run.calls.map((call) => call.split(" ")[0]));
const developmentCluster =
  "pg_createcluster 15 main --port 5432 --start -- --auth-local=peer --auth-host=trust";

describe("scripts/ensure-services.sh", () => {
  it("installs both servers on a bare Debian machine as root, makes the development cluster and starts both", async () => {
    const run = await runOn({ root: true });

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.calls.filter((call) => !probes.has(call.split(" ")[0] ?? ""))).toEqual([
      "apt-get update -qq",
      "apt-get install -y -qq postgresql redis-server",
      "pg_dropcluster --stop 15 main",
      developmentCluster,
      "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save  --appendonly no --dir /var/lib/redis --logfile /var/log/redis/leash.log",
    ]);
    expect(run.calls).toContain("psql postgresql://postgres@127.0.0.1:5432/postgres -wXAtqc select 1");
    expect(run.stdout).toContain(
      "[services] installing Debian's postgresql redis-server: PostgreSQL and Redis are not installed",
    );
    expect(run.stdout).toContain("[services] PostgreSQL and Redis answer");
  });

  it("installs through sudo when it is not root", async () => {
    const run = await runOn({ root: false, sudo: true });

    expect(run.code).toBe(0);
    expect(run.calls).toContain(
      "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server",
    );
    expect(run.calls).toContain(`sudo ${developmentCluster}`);
    expect(run.calls.some((call) => call.startsWith("sudo redis-server --daemonize yes"))).toBe(true);
  });

  it("prints the command to run as root, and installs nothing, when it is not root and there is no sudo", async () => {
    const run = await runOn({ root: false });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: PostgreSQL and Redis are not installed; as root, run: apt-get update && apt-get install -y postgresql redis-server\n",
    );
    expect(commandsCalled(run).has("apt-get")).toBe(false);
  });

  it("creates the development cluster when PostgreSQL is installed without one", async () => {
    const run = await runOn({ commands: [...postgresCommands, ...redisCommands], redisRunning: true });

    expect(run.code).toBe(0);
    expect(run.calls).toContain(developmentCluster);
    expect(commandsCalled(run)).not.toContain("apt-get");
    expect(commandsCalled(run)).not.toContain("pg_dropcluster");
  });

  it("starts the servers that are installed but stopped", async () => {
    const run = await runOn({
      commands: [...postgresCommands, ...redisCommands],
      clusters: ["15 main 5432 down trust"],
    });

    expect(run.code).toBe(0);
    expect(run.calls).toContain("pg_ctlcluster --skip-systemctl-redirect 15 main start");
    expect(run.calls.some((call) => call.startsWith("redis-server --daemonize yes"))).toBe(true);
    expect(commandsCalled(run)).not.toContain("apt-get");
    expect(commandsCalled(run)).not.toContain("pg_createcluster");
  });

  it("does nothing when both answer", async () => {
    const run = await runOn({
      commands: [...postgresCommands, ...redisCommands],
      clusters: ["15 main 5432 online trust"],
      redisRunning: true,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toBe("[services] PostgreSQL and Redis answer\n");
    expect([...commandsCalled(run)].sort()).toEqual(["pg_isready", "psql", "redis-cli"]);
  });

  it.each<[string, number, Machine]>([
    ["PostgreSQL", 5432, { redisRunning: true }],
    ["Redis", 6379, { clusters: ["15 main 5432 online trust"] }],
  ])(
    "names the program holding %s's port %i and stops at once, without waiting",
    async (server, port, machine) => {
      const run = await runOn({
        ...machine,
        commands: [...postgresCommands, ...redisCommands],
        listeners: [`LISTEN 0      128    127.0.0.1:${port} 0.0.0.0:* users:(("nc",pid=4242,fd=3))`],
      });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `error: 127.0.0.1:${port} is held by nc (pid 4242), which does not answer as ${server}`,
      );
      for (const command of ["sleep", "apt-get", "pg_createcluster", "pg_ctlcluster", "redis-server"]) {
        expect(commandsCalled(run)).not.toContain(command);
      }
    },
  );

  it("names the program holding PostgreSQL's port when pg_isready is missing, rather than installing over it", async () => {
    const run = await runOn({
      commands: redisCommands,
      redisRunning: true,
      listeners: ['LISTEN 0      4096   127.0.0.1:5432 0.0.0.0:* users:(("docker-proxy",pid=77,fd=4))'],
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("127.0.0.1:5432 is held by docker-proxy (pid 77)");
    expect(run.stderr).toContain("install PostgreSQL's client tools");
    expect(commandsCalled(run)).not.toContain("apt-get");
  });

  it("points to the README on a machine without apt-get", async () => {
    const run = await runOn({ debian: false });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "error: PostgreSQL and Redis are not installed, and this script installs them on Debian only",
    );
    expect(run.stderr).toContain('"On other systems" in README.md');
  });

  it("only checks a PostgreSQL elsewhere: when it does not answer, it says so and installs nothing", async () => {
    const run = await runOn(
      { commands: ["pg_isready", ...redisCommands], redisRunning: true },
      { DATABASE_URL: "postgresql://leash:secret@db.internal:5432/leash" },
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: PostgreSQL at db.internal:5432 (DATABASE_URL) does not answer");
    expect(run.calls).toEqual(["pg_isready -q -t 3 -d postgresql://leash:secret@db.internal:5432/leash"]);
  });

  it("says how to let DATABASE_URL in when an existing cluster wants a password, and changes nothing", async () => {
    const run = await runOn({
      commands: [...postgresCommands, ...redisCommands],
      clusters: ["15 main 5432 online scram"],
      redisRunning: true,
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("does not let DATABASE_URL's user in (psql: error:");
    expect(run.stderr).toContain('"host all all 127.0.0.1/32 trust"');
    expect([...commandsCalled(run)].sort()).toEqual(["pg_isready", "psql", "redis-cli"]);
  });
  it("installs PgBouncer and HAProxy, which the pooler and load-balancer tests start privately, when only they are missing", async () => {
    const run = await runOn({
      commands: [...postgresCommands, ...redisCommands],
      clusters: ["15 main 5432 online trust"],
      redisRunning: true,
      tools: [],
    });

    expect(run.code).toBe(0);
    expect(run.calls.filter((call) => call.startsWith("apt-get"))).toEqual(["apt-get update -qq", "apt-get install -y -qq pgbouncer haproxy"]);
    expect(run.stdout).toContain("[services] installing Debian's pgbouncer haproxy: PgBouncer and HAProxy are not installed");
    expect(commandsCalled(run)).not.toContain("pg_createcluster");
  });

  it("installs the missing servers and tools in one go, and tells a user without root the whole command", async () => {
    const asRoot = await runOn({ root: true, tools: ["pgbouncer"] });
    expect(asRoot.code).toBe(0);
    expect(asRoot.calls).toContain("apt-get install -y -qq postgresql redis-server haproxy");

    const withoutRoot = await runOn({ root: false, tools: [] });
    expect(withoutRoot.code).toBe(1);
    expect(withoutRoot.stderr).toBe(
      "error: PostgreSQL, Redis, PgBouncer and HAProxy are not installed; as root, run: apt-get update && apt-get install -y postgresql redis-server pgbouncer haproxy\n",
    );
  });

  it("only warns about the tools on a machine without apt-get: the apps run without them", async () => {
    const run = await runOn({
      debian: false,
      commands: [...postgresCommands, ...redisCommands],
      clusters: ["15 main 5432 online trust"],
      redisRunning: true,
      tools: ["haproxy"],
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: PgBouncer is not installed (the pooler and load-balancer tests need them)");
    expect(run.stdout).toContain("[services] PostgreSQL and Redis answer");
  });
});

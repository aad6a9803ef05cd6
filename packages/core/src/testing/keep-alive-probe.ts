import { Agent, request } from "node:http";

interface ProbeAnswer {
  status: number;
  /** Whether the request went over a connection used before. */
  reusedSocket: boolean;
  /** The server's `Keep-Alive` header, "timeout=65" for example. */
  keepAlive: string | undefined;
}

/** One GET on the agent's pooled connection. */
function get(agent: Agent, url: URL): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}` }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, reusedSocket: sent.reusedSocket, keepAlive: response.headers["keep-alive"]?.toString() }));
    });
    sent.on("error", reject);
    sent.end();
  });
}

/**
 * Two GETs of `url` over one pooled connection, `idleMs` apart: what a client's pool or a load
 * balancer does with a server's idle keep-alive connection.
 */
export async function probeIdleConnection(url: string, idleMs: number): Promise<{ first: ProbeAnswer; second: ProbeAnswer }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await get(agent, new URL(url));
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    return { first, second: await get(agent, new URL(url)) };
  } finally {
    agent.destroy();
  }
}

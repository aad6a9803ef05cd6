import { Agent, request } from "node:http";

import { z } from "zod";

/** A tRPC answer without a transformer: `{ result: { data } }` or `{ error: { message, data: { code } } }`. */
const trpcAnswer = z.union([
  z.object({ result: z.object({ data: z.unknown() }) }),
  z.object({ error: z.object({ message: z.string(), data: z.object({ code: z.string() }).optional() }) }),
]);

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * A plain HTTP client over keep-alive sockets, as a non-TypeScript agent would call the API. The
 * load generator shares the machine with everything it measures, so it stays this thin.
 */
export function createHttpClient(baseUrl: string, { maxSockets = 256 } = {}) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });

  const send = (method: "GET" | "POST", path: string, options: { apiKey?: string; body?: string; headers?: Record<string, string> } = {}) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: {
            ...(options.body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(options.body) }),
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            ...options.headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
          });
          response.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(options.body);
    });

  async function trpc(kind: "query" | "mutation", procedure: string, apiKey: string, input: unknown): Promise<unknown> {
    const answer =
      kind === "mutation"
        ? await send("POST", `/trpc/${procedure}`, { apiKey, body: JSON.stringify(input) })
        : await send("GET", `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { apiKey });
    const parsed = trpcAnswer.parse(JSON.parse(answer.body));
    if ("error" in parsed) throw new Error(`${procedure} answered ${answer.status} ${parsed.error.data?.code ?? ""}: ${parsed.error.message}`);
    return parsed.result.data;
  }

  return {
    send,
    mutation: (procedure: string, apiKey: string, input: unknown) => trpc("mutation", procedure, apiKey, input),
    query: (procedure: string, apiKey: string, input: unknown) => trpc("query", procedure, apiKey, input),
    close: () => agent.destroy(),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

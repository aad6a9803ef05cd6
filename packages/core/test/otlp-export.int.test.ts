import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { expect, it } from "vitest";

import { inSpan, startTracing } from "../src/index.ts";

it("with an endpoint, spans are posted as OTLP/HTTP to its /v1/traces, the last ones when tracing shuts down", async () => {
  const received: { path: string | undefined; body: string }[] = [];
  const collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ path: request.url, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = collector.address() as AddressInfo;
    const tracing = await startTracing({ serviceName: "leash-otlp-test", endpoint: `http://127.0.0.1:${port}/` });
    expect(tracing).not.toBeNull();
    await inSpan("probe", { attributes: { "leash.action.id": 5 } }, () => Promise.resolve());
    // The batch processor sends in the background; shutting down flushes what it holds.
    await tracing?.shutdown();

    expect(received.map((request) => request.path)).toEqual(["/v1/traces"]);
    const body = received[0]?.body ?? "";
    expect(body).toContain('"name":"probe"');
    expect(body).toContain('"leash-otlp-test"');
  } finally {
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }
});

import { exportActions } from "@leash/core";

import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { exportQuery } from "../server/history-filters.server.ts";
import type { Route } from "./+types/history-export";

/** Resource route: the filtered history as a CSV or JSON download, streamed as core reads it. */
export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const exported = await loadOrFail(() => Promise.resolve(exportActions(getDeps(), { actor, input: exportQuery(new URL(request.url).searchParams) })));
  const chunks = exported.chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": exported.contentType,
      "Content-Disposition": `attachment; filename="${exported.filename}"`,
      "Cache-Control": "no-store",
    },
  });
}

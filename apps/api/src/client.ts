import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";

import type { AppRouter } from "./router.ts";

export type { AppRouter };
export { TRPCClientError };

/** A typed client for agents written in TypeScript: `client.action.propose.mutate({...})`. */
export function createLeashClient(options: { url: string; apiKey: string; fetch?: typeof fetch }) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: options.url,
        headers: () => ({ authorization: `Bearer ${options.apiKey}` }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

export type LeashClient = ReturnType<typeof createLeashClient>;

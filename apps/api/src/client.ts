import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { EventSource } from "eventsource";

import type { AppRouter } from "./router.ts";

export type { AppRouter };
export { TRPCClientError };

/**
 * A typed client for agents written in TypeScript: `client.action.propose.mutate({...})`, and
 * `client.action.watch.subscribe({ actionId }, { onData })` over server-sent events (the
 * `eventsource` package, which Node 20 lacks natively and which can send the API key header).
 */
export function createLeashClient(options: { url: string; apiKey: string; fetch?: typeof fetch }) {
  const authorization = `Bearer ${options.apiKey}`;
  const baseFetch = options.fetch ?? fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink({
          url: options.url,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => baseFetch(input, { ...init, headers: { ...init.headers, authorization } }),
          },
        }),
        false: httpLink({
          url: options.url,
          headers: () => ({ authorization }),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      }),
    ],
  });
}

export type LeashClient = ReturnType<typeof createLeashClient>;

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

import { CoreError } from "../errors.ts";
import { addressRefusal } from "./address-refusal.ts";
import type { StoredConnector } from "./stored-connector.ts";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Turns a host name into its addresses; tests pass their own to play a DNS that answers a private address. */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const resolveWithDns: ResolveHost = (hostname) => lookup(hostname, { all: true, verbatim: true });

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The one address the request will connect to. The host is resolved once, every address it
 * resolves to is checked (a name that answers one public and one private address is refused),
 * and the caller connects to the checked address itself: no second lookup that a DNS rebinding
 * could answer differently.
 */
export async function pinAddress(
  connector: Pick<StoredConnector, "name" | "allowPrivateNetwork">,
  url: URL,
  { resolve, signal }: { resolve: ResolveHost; signal: AbortSignal },
): Promise<ResolvedAddress> {
  // An IPv6 host comes bracketed in a URL.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(hostname);
  let addresses: readonly ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: hostname, family }];
  } else {
    try {
      addresses = await abortable(resolve(hostname), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new CoreError("CONFLICT", `${connector.name}'s host ${hostname} could not be resolved${code ? ` (${code})` : ""}`, { retryable: true, cause: error });
    }
  }
  const first = addresses[0];
  if (!first) throw new CoreError("CONFLICT", `${connector.name}'s host ${hostname} could not be resolved (no address)`, { retryable: true });
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, connector);
    if (refusal) {
      const target = family !== 0 ? hostname : `${hostname} (${address})`;
      throw new CoreError("INVALID", `${connector.name} may not connect to ${target}: ${refusal}`);
    }
  }
  return first;
}

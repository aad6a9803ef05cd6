import type { Actor } from "../actor.ts";
import type { ApiKeyAuthenticator } from "../auth/cache-api-key-actors.ts";
import { isCoreError } from "../errors.ts";
import { clientAddressKey } from "./client-address-key.ts";
import type { Throttle } from "./create-throttle.ts";

/** Authenticates a key presented from a client address (the socket's). */
export type AddressedApiKeyAuthenticator = (presented: string | undefined, clientAddress: string | undefined) => Promise<Actor>;

/**
 * Every bogus key costs a database lookup: a client address that has presented too many refused keys
 * is refused before the next lookup (LIMIT_EXCEEDED). Accepted keys count nothing, so an agent with
 * a valid key is held up only while its own address keeps presenting bad ones.
 */
export function throttleApiKeyLookups(authenticate: ApiKeyAuthenticator, throttle: Throttle | undefined): AddressedApiKeyAuthenticator {
  if (!throttle) return (presented) => authenticate(presented);
  return async (presented, clientAddress) => {
    const address = clientAddressKey(clientAddress);
    await throttle.check(address);
    try {
      return await authenticate(presented);
    } catch (error) {
      if (isCoreError(error) && error.code === "UNAUTHORIZED") {
        // This refusal already happened; going over the limit with it shows on the address's next request.
        await throttle.hit(address).catch((counted: unknown) => {
          if (!isCoreError(counted) || counted.code !== "LIMIT_EXCEEDED") throw counted;
        });
      }
      throw error;
    }
  };
}

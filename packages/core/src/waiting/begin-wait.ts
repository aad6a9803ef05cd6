import type { Actor } from "../actor.ts";
import { CoreError, isCoreError } from "../errors.ts";
import type { WaitDeps } from "./settle-action.ts";

/** How often a wait asks again whether its API key still stands, by default. */
export const DEFAULT_KEY_RECHECK_MS = 5_000;

/** What a wait or watch holds while it lasts. */
export interface WaitLease {
  /** Aborts when the caller's signal does, or once the caller's key is found revoked. */
  signal: AbortSignal;
  /** Throws UNAUTHORIZED once the caller's key was found revoked while waiting. */
  assertValid(): void;
  /**
   * Gives the slot back and stops re-checking the key; call it however the wait ends. The slot's
   * release is sent to Redis at once but not awaited, so the answer does not wait for its reply (a
   * later wait of this process is ordered after it on the same connection; a release that fails is
   * logged and the slot expires by itself).
   */
  end(): void;
}

export interface BeginWaitOptions {
  actor: Actor;
  /**
   * Looks the caller's credentials up again (for an API key: the server's cached key lookup, not
   * counted against its rate limit); throws UNAUTHORIZED once they no longer stand.
   */
  reauthenticate: () => Promise<unknown>;
  signal?: AbortSignal | undefined;
}

/**
 * Starts a wait or watch: takes a slot of the caller's API key (LIMIT_EXCEEDED when the key has its
 * maximum open), then re-checks the key every `keyRecheckMs` for as long as the wait lasts, so a
 * key revoked meanwhile stops waiting instead of holding a stream open for hours. A re-check that
 * fails for another reason (the database is away) keeps the wait going: the key was valid when the
 * wait began and the wait is bounded anyway.
 */
export async function beginWait(deps: WaitDeps, { actor, reauthenticate, signal }: BeginWaitOptions): Promise<WaitLease> {
  const slot = actor.kind === "api_key" ? await deps.slots.acquire(actor.apiKeyId) : null;
  const revoked = new AbortController();
  let revocation: CoreError | null = null;
  let checking = false;
  const recheck = setInterval(() => {
    if (checking) return;
    checking = true;
    reauthenticate()
      .catch((error: unknown) => {
        if (isCoreError(error) && error.code === "UNAUTHORIZED") {
          clearInterval(recheck);
          revocation = new CoreError("UNAUTHORIZED", "This API key is no longer valid (it was revoked while waiting): the wait ended");
          revoked.abort(revocation);
        } else {
          deps.logger.warn({ err: error }, "re-checking a waiting caller's key failed");
        }
      })
      .finally(() => {
        checking = false;
      });
  }, deps.keyRecheckMs ?? DEFAULT_KEY_RECHECK_MS);
  // A wait alone never keeps the process alive.
  recheck.unref();
  return {
    signal: signal ? AbortSignal.any([signal, revoked.signal]) : revoked.signal,
    assertValid() {
      if (revocation) throw revocation;
    },
    end() {
      clearInterval(recheck);
      void slot?.release();
    },
  };
}

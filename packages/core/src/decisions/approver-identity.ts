import type { Actor } from "../actor.ts";

/**
 * Who an approval counts as, so that one person never counts twice toward a quorum: a user is
 * `user:<id>`; an API key with an owner counts as its owner (`user:<ownerId>`), one without as
 * itself (`api_key:<id>`).
 */
export function approverIdentity(actor: Actor): { key: string; userId: string | null } {
  switch (actor.kind) {
    case "user":
      return { key: `user:${actor.userId}`, userId: actor.userId };
    case "api_key":
      return actor.ownerId !== null ? { key: `user:${actor.ownerId}`, userId: actor.ownerId } : { key: `api_key:${actor.apiKeyId}`, userId: null };
    case "system":
      return { key: `system:${actor.label}`, userId: null };
  }
}

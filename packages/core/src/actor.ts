import type { ActorKind, ApiKeyRole, User, UserRole } from "@leash/db";

/** Who is doing something. Every core service takes one and authorises it itself. */
export type Actor =
  | { kind: "user"; tenantId: string; userId: string; role: UserRole; label: string }
  | { kind: "api_key"; tenantId: string; apiKeyId: string; role: ApiKeyRole; label: string; ownerId: string | null }
  | { kind: "system"; tenantId: string; label: string };

export type ActorRole = ApiKeyRole | "system";

export function actorRole(actor: Actor): ActorRole {
  return actor.kind === "system" ? "system" : actor.role;
}

/** The columns an audit event stores about its actor. */
export function actorRef(actor: Actor): { actorKind: ActorKind; actorId: string | null; actorLabel: string } {
  switch (actor.kind) {
    case "user":
      return { actorKind: "user", actorId: actor.userId, actorLabel: actor.label };
    case "api_key":
      return { actorKind: "api_key", actorId: actor.apiKeyId, actorLabel: actor.label };
    case "system":
      return { actorKind: "system", actorId: null, actorLabel: actor.label };
  }
}

/** A person acting as themselves: the console's signed-in user, a linked Slack user, a recipient of mail. */
export function userActor(user: Pick<User, "id" | "tenantId" | "role" | "name">): Actor & { kind: "user" } {
  return { kind: "user", tenantId: user.tenantId, userId: user.id, role: user.role, label: user.name };
}

export function systemActor(tenantId: string, label = "system"): Actor {
  return { kind: "system", tenantId, label };
}

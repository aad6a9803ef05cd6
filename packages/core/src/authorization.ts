import { actorRole, type Actor, type ActorRole } from "./actor.ts";
import { CoreError } from "./errors.ts";

export type Permission =
  | "action.read"
  | "action.propose"
  | "action.decide"
  | "action.cancel_any"
  /** Starting a rollback (an undo is a change of its own, so the same people who decide may start one). */
  | "action.roll_back"
  | "preference.read"
  | "preference.write"
  | "policy.read"
  | "policy.write"
  | "queue.read"
  | "template.write"
  | "connector.read"
  | "connector.write"
  | "webhook.manage"
  /** Ending another person's console sessions (anyone may end their own). */
  | "session.revoke_any"
  /** Adding people, changing their role, deactivating them, resetting their password. */
  | "user.manage"
  /** Seeing every API key of the tenant, creating, renaming and revoking them. */
  | "api_key.manage"
  /** Setting up single sign-on (OpenID Connect) for the tenant. */
  | "sso.manage";

const grants: Record<ActorRole, readonly Permission[]> = {
  admin: ["action.read", "action.propose", "action.decide", "action.cancel_any", "action.roll_back", "preference.read", "preference.write", "policy.read", "policy.write", "queue.read", "template.write", "connector.read", "connector.write", "webhook.manage", "session.revoke_any", "user.manage", "api_key.manage", "sso.manage"],
  approver: ["action.read", "action.propose", "action.decide", "action.cancel_any", "action.roll_back", "preference.read", "policy.read", "queue.read", "template.write", "connector.read"],
  viewer: ["action.read", "preference.read", "policy.read", "queue.read", "connector.read"],
  // Agents read connectors (never their secrets) to know what they may propose `http` requests to.
  agent: ["action.read", "action.propose", "preference.read", "policy.read", "queue.read", "connector.read"],
  // The admin CLI acts as the system: whoever runs it already holds the database.
  system: ["action.read", "action.propose", "action.decide", "action.cancel_any", "action.roll_back", "preference.read", "policy.read", "queue.read", "connector.read", "connector.write", "webhook.manage", "session.revoke_any", "api_key.manage"],
};

export function can(actor: Actor, permission: Permission): boolean {
  return grants[actorRole(actor)].includes(permission);
}

const refusals: Record<Permission, string> = {
  "action.read": "read actions",
  "action.propose": "propose actions",
  "action.decide": "approve or reject actions",
  "action.cancel_any": "cancel actions proposed by others",
  "action.roll_back": "roll back actions",
  "preference.read": "read approval preferences",
  "preference.write": "change approval preferences",
  "policy.read": "read approval policies",
  "policy.write": "change approval policies",
  "queue.read": "read queue status",
  "template.write": "create, change or delete templates",
  "connector.read": "read connectors",
  "connector.write": "create, change or delete connectors",
  "webhook.manage": "see or manage webhook endpoints",
  "session.revoke_any": "sign other people out",
  "user.manage": "manage people",
  "api_key.manage": "manage API keys",
  "sso.manage": "set up single sign-on",
};

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new CoreError("FORBIDDEN", `${actor.label} (${actorRole(actor)}) may not ${refusals[permission]}`);
  }
}

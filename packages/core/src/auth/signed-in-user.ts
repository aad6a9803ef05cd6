import type { Tenant, User } from "@leash/db";

import { userActor, type Actor } from "../actor.ts";

/** A person signed in to the console: the actor core services take, plus what the console shows about them. */
export interface SignedInUser {
  actor: Actor & { kind: "user" };
  email: string;
  tenant: { id: string; slug: string; name: string };
}

export function toSignedInUser(user: User, tenant: Tenant): SignedInUser {
  return {
    actor: userActor(user),
    email: user.email,
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
  };
}

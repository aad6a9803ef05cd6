import type { User, UserRole } from "@leash/db";

/** A person as the People page lists them: never their password hash or session version. */
export interface PersonView {
  id: string;
  name: string;
  email: string;
  role: UserRole;
  active: boolean;
  createdAt: string;
  deactivatedAt: string | null;
}

export function toPersonView(user: User): PersonView {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    active: user.deactivatedAt === null,
    createdAt: user.createdAt.toISOString(),
    deactivatedAt: user.deactivatedAt?.toISOString() ?? null,
  };
}

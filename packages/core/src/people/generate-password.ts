import { randomBytes } from "node:crypto";

/** A password for an admin to hand over once: 144 random bits, 24 characters that survive copy and paste. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

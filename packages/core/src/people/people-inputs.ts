import { z } from "zod";

import { safeText } from "../actions/storable.ts";

export const userRoles = ["admin", "approver", "viewer"] as const;

/** A person's role as forms and the CLI send it. */
export const userRoleSchema = z.enum(userRoles, "the role must be admin, approver or viewer");

/** Name and email, the same rules wherever a person is created (console, admin CLI, first SSO sign-in). */
export const personFieldsSchema = z.strictObject({
  name: safeText(z.string().trim().min(1, "the name is required").max(200, "the name is longer than 200 characters")),
  email: safeText(z.string().trim().toLowerCase().max(320, "the email is longer than 320 characters")).pipe(z.email("the email is not an email address")),
  role: userRoleSchema,
});

export const addUserInputSchema = personFieldsSchema;
export type AddUserInput = z.input<typeof addUserInputSchema>;

export const userIdSchema = z.uuid("the person's id is not valid");

export const userRefInputSchema = z.strictObject({ userId: userIdSchema });
export type UserRefInput = z.input<typeof userRefInputSchema>;

export const changeUserRoleInputSchema = z.strictObject({ userId: userIdSchema, role: userRoleSchema });
export type ChangeUserRoleInput = z.input<typeof changeUserRoleInputSchema>;

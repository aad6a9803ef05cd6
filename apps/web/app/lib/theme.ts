import * as z from "zod/mini";

/** How the console looks: as the system prefers, or always light or dark. */
export const themeSchema = z.enum(["system", "light", "dark"]);
export type Theme = z.infer<typeof themeSchema>;

export const themeChoices: { value: Theme; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Where the theme form posts; the layout also looks for this action among pending forms to show a choice at once. */
export const THEME_ACTION = "/theme";

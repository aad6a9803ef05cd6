import { useFetchers, useRouteLoaderData } from "react-router";

import type { loader as rootLoader } from "../root.tsx";
import { THEME_ACTION, themeSchema, type Theme } from "./theme.ts";

/** The reader's theme: the one being chosen right now if a theme form is on its way, else the cookie's. */
export function useTheme(): Theme {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const choosing = useFetchers().find((fetcher) => fetcher.formAction === THEME_ACTION && fetcher.formData);
  const chosen = themeSchema.safeParse(choosing?.formData?.get("theme"));
  return chosen.success ? chosen.data : (root?.theme ?? "system");
}

import { useSyncExternalStore } from "react";

import { useTheme } from "./use-theme.ts";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/**
 * Whether the page is light or dark right now: the chosen theme, or the system's preference under
 * "system" (which can change while the page is open). What draws its own colours (the charts) draws
 * again when it changes; the server, which cannot know the system's preference, says light.
 */
export function useColourScheme(): "light" | "dark" {
  const theme = useTheme();
  const systemDark = useSyncExternalStore(
    subscribe,
    () => window.matchMedia(DARK_QUERY).matches,
    () => false,
  );
  if (theme !== "system") return theme;
  return systemDark ? "dark" : "light";
}

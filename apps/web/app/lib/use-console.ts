import { useRouteLoaderData } from "react-router";

import type { loader } from "../routes/console.tsx";

/** The console's data for any page inside it: the signed-in user, what to show them. */
export function useConsole() {
  const data = useRouteLoaderData<typeof loader>("routes/console");
  if (!data) throw new Error("useConsole outside the console layout");
  return data;
}

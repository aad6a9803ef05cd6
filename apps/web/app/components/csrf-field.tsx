import { useRouteLoaderData } from "react-router";

import { CSRF_FIELD } from "../lib/form-result.ts";
import type { loader as rootLoader } from "../root.tsx";

/** The hidden anti-forgery field every form of the console carries. */
export function CsrfField() {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  return <input type="hidden" name={CSRF_FIELD} value={root?.csrf ?? ""} />;
}

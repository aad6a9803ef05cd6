import { useEffect } from "react";

import type { BoundedCount } from "@leash/core";

import { formatCount } from "./format.ts";

const COUNT_PREFIX = /^\(\d[\d,.\s]*\+?\) /;

/**
 * Starts the tab's title with how many actions wait for the reader ("(3) Inbox · Leash console"), so
 * a tab in the background says when there is something to decide; nothing when none wait. Each page
 * names itself through its route's meta; this runs after every render of the layout (a navigation, a
 * live revalidation) and puts the count in front of whatever title the page has.
 */
export function useCountInTitle(waiting: BoundedCount | null): void {
  const prefix = waiting && waiting.count > 0 ? `(${formatCount(waiting)}) ` : "";
  useEffect(() => {
    const title = `${prefix}${document.title.replace(COUNT_PREFIX, "")}`;
    if (document.title !== title) document.title = title;
  });
}

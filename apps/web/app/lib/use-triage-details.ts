import { useEffect, useMemo, useState } from "react";
import { useFetcher } from "react-router";

import type { loader as detailsLoader } from "../routes/inbox-details.ts";
import { useEachAnswer } from "./use-each-answer.ts";
import type { DetailPresentation } from "./triage.ts";

/** An action's detail, or null once the server said it no longer waits. */
export type KnownDetails = ReadonlyMap<number, DetailPresentation | null>;

/**
 * The details the inbox holds: those its loader sent, and those of `wanted` (the selection and its
 * neighbours) fetched as the selection moves. The list does not wait for them: a fetch that a newer
 * selection overtakes is dropped, and the newer one asks for everything still missing.
 */
export function useTriageDetails(loaded: Readonly<Record<number, DetailPresentation>>, wanted: readonly number[]): KnownDetails {
  const fetcher = useFetcher<typeof detailsLoader>({ key: "triage-details" });
  const [fetched, setFetched] = useState<{ asked: readonly number[]; details: Readonly<Record<number, DetailPresentation>> }[]>([]);
  const known = useMemo(() => {
    const map = new Map<number, DetailPresentation | null>();
    for (const { asked, details } of fetched) for (const id of asked) map.set(id, details[id] ?? null);
    // What the inbox's loader sent is newer than any fetch before it.
    for (const [id, detail] of Object.entries(loaded)) map.set(Number(id), detail);
    return map;
  }, [fetched, loaded]);

  const missing = wanted.filter((id) => !known.has(id));
  const query = missing.map((id) => `id=${id}`).join("&");
  useEffect(() => {
    if (query !== "") void fetcher.load(`/inbox/details?${query}`);
    // The fetcher's identity changes with its state; only a new set of missing ids asks again.
  }, [query]);
  // A bounded memory: a detail forgotten is fetched again if the reader comes back to it.
  useEachAnswer(fetcher.data, (answer) => setFetched((current) => [...current.slice(-20), answer]));
  return known;
}

import { useEffect, useRef } from "react";
import { useLocation } from "react-router";

/** A disclosure (the phone's navigation menu) that folds up again once a link in it has been followed. */
export function useClosedOnNavigation() {
  const disclosure = useRef<HTMLDetailsElement>(null);
  // Each navigation has its own key, also one that goes back to the page already open.
  const { key } = useLocation();
  useEffect(() => {
    disclosure.current?.removeAttribute("open");
  }, [key]);
  return disclosure;
}

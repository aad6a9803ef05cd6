import { useEffect } from "react";
import { useNavigation, useRevalidator } from "react-router";

/**
 * Keeps the page's data current without a reload: revalidates every `intervalMs` while the tab is
 * visible and nothing else is loading, and at once when the tab comes back into view.
 */
export function useLiveRevalidation(intervalMs: number): void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" || revalidator.state !== "idle";

  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === "visible" && !busy) void revalidator.revalidate();
    };
    const timer = window.setInterval(tick, intervalMs);
    document.addEventListener("visibilitychange", tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", tick);
    };
  }, [intervalMs, busy, revalidator]);
}

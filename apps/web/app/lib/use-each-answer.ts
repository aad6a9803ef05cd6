import { useEffect, useRef } from "react";

/**
 * Calls `onAnswer` once for each new answer a fetcher holds, after the first commit that shows it.
 *
 * Not an effect keyed on the answer: React Router keeps fetcher data outside React's state, and on
 * a loaded machine (interrupted transition renders) such an effect was seen to skip an answer that
 * the page did show, so a decision got no toast and the selection did not move on. This effect runs
 * after every commit and compares the answer with the last one handled.
 */
export function useEachAnswer<T>(answer: T | undefined, onAnswer: (answer: T) => void): void {
  const handled = useRef<T | undefined>(undefined);
  useEffect(() => {
    if (answer === undefined || handled.current === answer) return;
    handled.current = answer;
    onAnswer(answer);
  });
}

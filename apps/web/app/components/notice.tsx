import type { FormResult } from "../lib/form-result.ts";
import { DatedText } from "./local-time.tsx";

/**
 * The outcome of the last form post, announced to screen readers: politely for a success,
 * at once for a refusal.
 */
export function Notice({ result }: { result: FormResult | undefined }) {
  return (
    <div className="notice-region" role="status" aria-live="polite" aria-atomic="true">
      {result ? (
        <p className={`notice ${result.ok ? "notice-success" : "notice-error"}`}>
          <DatedText text={result.ok ? result.message : result.error} />
        </p>
      ) : null}
    </div>
  );
}

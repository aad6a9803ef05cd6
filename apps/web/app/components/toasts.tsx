import { Link } from "react-router";

import type { FormResult } from "../lib/form-result.ts";
import { DatedText } from "./local-time.tsx";

export interface Toast {
  id: number;
  result: FormResult;
}

/**
 * What each decision did, where the eye is (fixed at the bottom of the screen, not at the top of a
 * long page), announced to screen readers, newest first, with a link to roll it back where it can be.
 */
export function Toasts({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="notice-region toast-region" role="status" aria-live="polite">
      {toasts.map(({ id, result }) => (
        <p key={id} className={`toast notice ${result.ok ? "notice-success" : "notice-error"}`} data-toast={result.ok ? "ok" : "error"}>
          <span>
            <DatedText text={result.ok ? result.message : result.error} />
          </span>
          {result.ok && result.rollbackHref ? (
            <Link to={result.rollbackHref} className="toast-link">
              Roll back…
            </Link>
          ) : null}
          <button type="button" className="toast-dismiss js-only" onClick={() => onDismiss(id)} aria-label="Dismiss">
            ×
          </button>
        </p>
      ))}
    </div>
  );
}

import type { ChangeLine } from "@leash/core";

import { humanValue } from "../lib/format.ts";
import { DatedText } from "./local-time.tsx";

/** Before -> after, one line per field; an empty side reads as "(none)". */
export function ChangesList({ changes }: { changes: ChangeLine[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="changes">
      {changes.map((change) => (
        <li key={change.field}>
          <span className="change-field">{change.field}</span>
          <span className="change-values">
            {change.before !== null ? <del className="change-before">{humanValue(change.before)}</del> : <span className="change-none">(none)</span>}
            <span className="change-arrow" aria-label="becomes">
              →
            </span>
            {change.after !== null ? <ins className="change-after">{humanValue(change.after)}</ins> : <span className="change-none">(removed)</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Details of an action that are not field changes (a message to send, a request to make), one per line, and the body it sends. */
export function DetailsList({ details, code }: { details: string[]; code?: string | undefined }) {
  if (details.length === 0 && !code) return null;
  return (
    <>
      {details.length > 0 && (
        <ul className="details">
          {details.map((detail) => (
            <li key={detail}>
              <DatedText text={detail} />
            </li>
          ))}
        </ul>
      )}
      {code && <pre className="code-block">{code}</pre>}
    </>
  );
}

import type { ActionView } from "@leash/core";

import { prettyJson } from "../lib/format.ts";

const hasValue = (value: unknown) => value !== null && !(typeof value === "object" && Object.keys(value).length === 0);

/** What running the action returned or the error it last met; nothing while there is neither. */
export function ActionResultPanel({ status, result, errorMessage }: Pick<ActionView, "status" | "result" | "errorMessage">) {
  if (!(hasValue(result) || errorMessage)) return null;
  return (
    <section className="card panel" aria-labelledby="result-heading">
      <h2 id="result-heading">Result</h2>
      {errorMessage ? (
        <p className="notice notice-error">
          {status === "failed" ? "Failed: " : "Last error: "}
          {errorMessage}
        </p>
      ) : null}
      {hasValue(result) ? (
        <pre className="code-block">
          <code>{prettyJson(result)}</code>
        </pre>
      ) : null}
    </section>
  );
}

import type { ActionView } from "@leash/core";

import { prettyJson } from "../lib/format.ts";

/** The action's parameters as JSON, and as proposed when an approver edited them. */
export function ActionParametersPanel({ parameters, originalParameters }: Pick<ActionView, "parameters" | "originalParameters">) {
  return (
    <section className="card panel" aria-labelledby="parameters-heading">
      <h2 id="parameters-heading">Parameters</h2>
      <pre className="code-block">
        <code>{prettyJson(parameters)}</code>
      </pre>
      {originalParameters !== null ? (
        <>
          <h3 className="small">As proposed, before an approver edited them</h3>
          <pre className="code-block">
            <code>{prettyJson(originalParameters)}</code>
          </pre>
        </>
      ) : null}
    </section>
  );
}

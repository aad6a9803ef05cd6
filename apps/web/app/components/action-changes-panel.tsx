import type { ActionPresentation, ActionView, ChangeLine } from "@leash/core";

import { ChangesList, DetailsList } from "./changes-list.tsx";
import { LocalTime } from "./local-time.tsx";

interface ActionChangesPanelProps {
  /** What it changed when it ran, or what it will change. */
  changes: ChangeLine[];
  presentation: Pick<ActionPresentation, "details" | "code" | "reversible">;
  executedAt: ActionView["executedAt"];
}

/** What the action changes, with whether and until when it can be undone. */
export function ActionChangesPanel({ changes, presentation, executedAt }: ActionChangesPanelProps) {
  return (
    <section className="card panel" aria-labelledby="changes-heading">
      <h2 id="changes-heading">Changes</h2>
      {changes.length > 0 ? (
        <ChangesList changes={changes} />
      ) : presentation.details.length === 0 ? (
        <p className="muted">This action changes no item fields.</p>
      ) : null}
      <DetailsList details={presentation.details} code={presentation.code} />
      <p className="muted small">
        {executedAt ? "What the action changed when it ran." : "What the action will change, compared with the item as it is now."}{" "}
        Reversible: {presentation.reversible.reversible ? "yes" : "no"}
        {presentation.reversible.until ? (
          <>
            , until <LocalTime value={presentation.reversible.until} />
          </>
        ) : null}{" "}
        ({presentation.reversible.explanation}).
      </p>
    </section>
  );
}

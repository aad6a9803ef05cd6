import { Form } from "react-router";

import { CsrfField } from "./csrf-field.tsx";
import { CrossIcon } from "./icons.tsx";

/** Cancels an action before it runs, with an optional reason. */
export function CancelActionForm({ cancelling }: { cancelling: boolean }) {
  return (
    <Form method="post" className="stack">
      <CsrfField />
      <div className="field">
        <label htmlFor="cancel-reason">Why cancel? (optional)</label>
        <input id="cancel-reason" name="reason" />
      </div>
      <button type="submit" name="intent" value="cancel" className="button button-danger-outline" disabled={cancelling}>
        <CrossIcon />
        {cancelling ? "Cancelling…" : "Cancel this action"}
      </button>
    </Form>
  );
}

import { Form } from "react-router";

import { CsrfField } from "./csrf-field.tsx";

/** Ends every session of the signed-in person, here and in every other browser. */
export function SignOutEverywhereForm({ busy }: { busy: boolean }) {
  return (
    <Form method="post" className="stack">
      <CsrfField />
      <input type="hidden" name="intent" value="sign-out-everywhere" />
      <p>
        Signs you out of the console in every browser where you are signed in, this one included. Use it when you
        signed in on a computer that is not yours, or think someone else has your session.
      </p>
      <div>
        <button type="submit" className="button" disabled={busy}>
          Sign out everywhere
        </button>
      </div>
    </Form>
  );
}

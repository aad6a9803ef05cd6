import { useEffect, useRef } from "react";

/** The inbox's keys, as the help dialog lists them. */
export const TRIAGE_KEYS: readonly [string, string][] = [
  ["j / ↓", "Next action"],
  ["k / ↑", "Previous action"],
  ["a", "Approve (what cannot be undone asks you to type its id)"],
  ["r", "Reject: type the reason, then Enter"],
  ["e", "Edit the parameters, then approve"],
  ["x", "Select for a decision on several"],
  ["Enter", "Open the action's full page"],
  ["Esc", "Leave a field and go back to the list"],
  ["?", "Show these keys"],
];

/** A modal dialog listing the keys; Esc or the button closes it, and focus returns where it was. */
export function KeyboardHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="keyboard-help" aria-labelledby="keyboard-help-title" onClose={onClose}>
      <h2 id="keyboard-help-title">Keyboard shortcuts</h2>
      <dl>
        {TRIAGE_KEYS.map(([key, what]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" className="button button-ghost" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}

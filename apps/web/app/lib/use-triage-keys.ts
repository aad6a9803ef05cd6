import { useEffect, useRef } from "react";

export interface TriageKeyHandlers {
  move: (by: 1 | -1) => void;
  approve: () => void;
  reject: () => void;
  edit: () => void;
  toggle: () => void;
  open: () => void;
  help: () => void;
}

const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset"]);

/** Typing in a field is typing, not a command; a checkbox or a button with focus takes no text. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NOT_TYPED.has(target.type);
  return target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The inbox's keys (see KeyboardHelp): j/k move, a approve, r reject, e edit and approve, x select,
 * Enter open, ? help. Ignored while a field has focus (Esc leaves it), with a modifier held (the
 * browser's own shortcuts), or while a dialog is open.
 */
export function useTriageKeys(handlers: TriageKeyHandlers): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target)) {
        if (event.key === "Escape" && event.target instanceof HTMLElement) event.target.blur();
        return;
      }
      if (document.querySelector("dialog[open]")) return;
      // Enter on a link or button is that control's own; only Enter on the page opens the action.
      if (event.key === "Enter" && event.target instanceof HTMLElement && event.target.closest("a, button, summary")) return;
      const keys: Record<string, () => void> = {
        j: () => current.current.move(1),
        ArrowDown: () => current.current.move(1),
        k: () => current.current.move(-1),
        ArrowUp: () => current.current.move(-1),
        a: current.current.approve,
        r: current.current.reject,
        e: current.current.edit,
        x: current.current.toggle,
        Enter: current.current.open,
        "?": current.current.help,
      };
      const run = keys[event.key];
      if (!run) return;
      event.preventDefault();
      run();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

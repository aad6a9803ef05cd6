import { useEffect, useId, useRef, type MouseEvent } from "react";
import { Link } from "react-router";

import { LocalTime } from "./local-time.tsx";
import { capitalize, plural } from "../lib/format.ts";
import { irreversible, type RowBlock, type TriageEntry, type windowOf } from "../lib/triage.ts";

interface TriageListProps {
  /** The groups cut to the rows the page renders, with their full sizes. */
  groups: ReturnType<typeof windowOf>;
  selectedId: number | null;
  checked: ReadonlySet<number>;
  canDecide: boolean;
  onCheck: (id: number, on: boolean) => void;
  onSelect: (id: number) => void;
}

/** The inbox as a dense list: one row per action, in groups by what the reader can do about them; the counts are the whole list's. */
export function TriageList({ groups, ...props }: TriageListProps) {
  return (
    <div className="triage-groups">
      {groups.map((group) =>
        group.blocks.length === 0 ? null : (
          <section key={group.group} className="triage-group" aria-labelledby={`group-${group.group}`} data-group={group.group}>
            <h2 id={`group-${group.group}`} className="triage-group-title">
              {group.title} <span className="count">{group.size}</span>
            </h2>
            {group.blocks.map((block) => (
              <Block key={block.run?.batchId ?? block.entries[0]?.action.id} block={block} {...props} />
            ))}
          </section>
        ),
      )}
    </div>
  );
}

function Block({ block, ...props }: { block: RowBlock & { size: number } } & Omit<TriageListProps, "groups">) {
  const id = useId();
  const rows = (
    <ul className="triage-rows" aria-labelledby={block.run ? `${id}-run` : undefined}>
      {block.entries.map((entry) => (
        <Row key={entry.action.id} entry={entry} inRun={block.run !== null} {...props} />
      ))}
    </ul>
  );
  if (!block.run) return rows;
  return (
    <section className="triage-run" data-batch-id={block.run.batchId}>
      <h3 id={`${id}-run`} className="triage-run-title">
        {block.run.templateName ? `Template run: ${block.run.templateName}` : "Batch"} · {plural(block.size, block.run.templateName ? "step" : "action")} waiting
      </h3>
      {rows}
    </section>
  );
}

/** A plain click selects in place; a click meant for a new tab or window stays the link's own. */
const plainClick = (event: MouseEvent<HTMLAnchorElement>) => event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;

function Row({ entry, inRun, selectedId, checked, canDecide, onCheck, onSelect }: { entry: TriageEntry; inRun: boolean } & Omit<TriageListProps, "groups">) {
  const { action, presentation } = entry;
  const selected = action.id === selectedId;
  const cannotUndo = irreversible(entry);
  // Only what the reader may approve, and can undo, is decided several at a time.
  const checkable = canDecide && entry.refusal === null && !cannotUndo;
  return (
    <li className={`triage-row${selected ? " is-selected" : ""}${cannotUndo ? " is-irreversible" : ""}`} data-row-id={action.id} aria-current={selected ? "true" : undefined}>
      <span className="triage-check">
        {checkable ? (
          <input
            type="checkbox"
            form="bulk"
            name="actionId"
            value={action.id}
            checked={checked.has(action.id)}
            onChange={(event) => onCheck(action.id, event.currentTarget.checked)}
            aria-label={`Select #${action.id}`}
          />
        ) : null}
      </span>
      <Link
        to={`/?selected=${action.id}`}
        className="triage-link"
        onClick={(event) => {
          if (!plainClick(event)) return;
          event.preventDefault();
          onSelect(action.id);
        }}
      >
        <span className="triage-what">
          <span className="triage-id">
            {inRun && action.templateStep !== null ? `Step ${action.templateStep + 1} · ` : ""}#{action.id}
          </span>{" "}
          <span className="triage-headline">{capitalize(presentation.headline)}</span>
          {action.reason ? <span className="triage-reason"> · “{action.reason}”</span> : null}
        </span>
        <span className="triage-meta">
          <span className="triage-who">{action.proposedBy.label}</span>
          <LocalTime value={action.createdAt} style="relative" />
          {cannotUndo ? <span className="badge badge-irreversible">Cannot be undone</span> : null}
          {entry.approvals !== null ? <span className="badge badge-pending">{entry.approvals}</span> : null}
          {entry.expiry !== null ? <span className="badge badge-neutral">{capitalize(entry.expiry)}</span> : null}
          {action.escalatedTo !== null ? <span className="badge badge-escalated">Escalated</span> : null}
        </span>
      </Link>
    </li>
  );
}

/**
 * Where the rendered rows end: scrolled near, it renders more (with scripts); without them it is a
 * link to the same page with more rows.
 */
export function TriageMoreRows({ href, hidden, onMore }: { href: string; hidden: number; onMore: () => void }) {
  const end = useRef<HTMLParagraphElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  // A new observer for every new end: it reports at once whether the end is still in reach.
  useEffect(() => {
    const element = end.current;
    if (!element) return;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((entry) => entry.isIntersecting)) more.current();
    }, { rootMargin: "0px 0px 600px 0px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hidden]);
  return (
    <p ref={end} className="triage-more-rows muted small">
      <Link
        to={href}
        preventScrollReset
        replace
        onClick={(event) => {
          if (!plainClick(event)) return;
          event.preventDefault();
          onMore();
        }}
      >
        Show more ({plural(hidden, "action")} below)
      </Link>
    </p>
  );
}

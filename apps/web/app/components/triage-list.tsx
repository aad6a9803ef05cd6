import { useId, type MouseEvent } from "react";
import { Link } from "react-router";

import { LocalTime } from "./local-time.tsx";
import { capitalize, plural } from "../lib/format.ts";
import { irreversible, type arrange, type RowBlock, type TriageEntry } from "../lib/triage.ts";

interface TriageListProps {
  groups: ReturnType<typeof arrange>["groups"];
  selectedId: number | null;
  checked: ReadonlySet<number>;
  canDecide: boolean;
  onCheck: (id: number, on: boolean) => void;
  onSelect: (id: number) => void;
}

/** The inbox as a dense list: one row per action, in groups by what the reader can do about them. */
export function TriageList({ groups, ...props }: TriageListProps) {
  return (
    <div className="triage-groups">
      {groups.map((group) =>
        group.blocks.length === 0 ? null : (
          <section key={group.group} className="triage-group" aria-labelledby={`group-${group.group}`} data-group={group.group}>
            <h2 id={`group-${group.group}`} className="triage-group-title">
              {group.title} <span className="count">{group.blocks.reduce((sum, block) => sum + block.entries.length, 0)}</span>
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

function Block({ block, ...props }: { block: RowBlock } & Omit<TriageListProps, "groups">) {
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
        {block.run.templateName ? `Template run: ${block.run.templateName}` : "Batch"} · {plural(block.entries.length, block.run.templateName ? "step" : "action")} waiting
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

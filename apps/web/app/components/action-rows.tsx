import { Link } from "react-router";

import type { ActionView } from "@leash/core";

import { LocalTime } from "./local-time.tsx";
import { capitalize } from "../lib/format.ts";
import { StatusBadge } from "./status-badge.tsx";

/** A compact list of actions (an item's history): when, what, status, who. */
export function ActionRows({ actions, headlines }: { actions: ActionView[]; headlines: Record<number, string> }) {
  if (actions.length === 0) return <p className="muted">No action has touched this yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When (UTC)</th>
            <th scope="col">Action</th>
            <th scope="col">Status</th>
            <th scope="col">Proposed by</th>
          </tr>
        </thead>
        <tbody>
          {actions.map((action) => (
            <tr key={action.id} data-action-id={action.id}>
              <td className="num">
                <Link to={`/actions/${action.id}`}>#{action.id}</Link>
              </td>
              <td className="nowrap">
                <LocalTime value={action.createdAt} style="short" />
              </td>
              <td className="truncate truncate-wide">
                {action.rollbackOfId !== null ? <span className="badge badge-rolled-back">undo</span> : null} {capitalize(headlines[action.id] ?? action.actionType)}
              </td>
              <td>
                <StatusBadge status={action.status} rolledBack={action.rolledBackAt !== null} />
              </td>
              <td className="truncate">{action.proposedBy.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { Form } from "react-router";

import type { PolicyView } from "@leash/core";

import { capitalize } from "../lib/format.ts";
import type { Route } from "../routes/+types/policies";
import { CsrfField } from "./csrf-field.tsx";

interface PolicyTableProps {
  policies: PolicyView[];
  /** Each policy's reminder, escalation and expiry waits as people say them, by policy id. */
  waits: Route.ComponentProps["loaderData"]["waits"];
  canDelete: boolean;
  busy: boolean;
}

/** The policies in force: their scope, approvers, waits, and what they mean in a sentence. */
export function PolicyTable({ policies, waits, canDelete, busy }: PolicyTableProps) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="policies">
        <caption className="visually-hidden">Approval policies</caption>
        <thead>
          <tr>
            <th scope="col">Scope</th>
            <th scope="col">Approvers</th>
            <th scope="col">Proposer may approve</th>
            <th scope="col">Reminder / escalation / expiry</th>
            <th scope="col">What it means</th>
            {canDelete ? <th scope="col">Remove</th> : null}
          </tr>
        </thead>
        <tbody>
          {policies.map((policy) => (
            <tr key={policy.id}>
              <th scope="row">
                {policy.actionType} on {policy.targetType ?? "any target"}
              </th>
              <td>{policy.requiredApprovals}</td>
              <td>{policy.separationOfDuties ? "No" : "Yes"}</td>
              <td>
                {waits[policy.id]?.[0]} / {waits[policy.id]?.[1]}
                {policy.escalateTo ? ` to ${policy.escalateTo.name}` : ""} /{" "}
                {waits[policy.id]?.[2]}
                {policy.expiresAfterSeconds !== null
                  ? ` then ${policy.expiryFallback === "auto_approve" ? "auto-approve" : "reject"}`
                  : ""}
              </td>
              <td>{capitalize(policy.description)}.</td>
              {canDelete ? (
                <td>
                  <Form method="post" className="inline-form">
                    <CsrfField />
                    <input type="hidden" name="policyId" value={policy.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="delete"
                      className="button button-danger-outline button-small"
                      disabled={busy}
                    >
                      Delete
                    </button>
                  </Form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

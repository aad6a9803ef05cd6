import type { ReactNode } from "react";
import { Form } from "react-router";

import type { ApiKeyView } from "@leash/core";

import { LocalTime } from "./local-time.tsx";
import { ConfirmDisclosure } from "./confirm-disclosure.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { RoleBadge } from "./status-badge.tsx";

function state(key: ApiKeyView, now: string): ReactNode {
  if (key.revokedAt) {
    return (
      <>
        Revoked <LocalTime value={key.revokedAt} />
      </>
    );
  }
  if (key.usable) return "Active";
  return key.expiresAt && key.expiresAt <= now ? "Expired" : "Refused while its owner is deactivated";
}

function RenameForm({ apiKey }: { apiKey: ApiKeyView }) {
  return (
    <details className="reject">
      <summary className="button button-small">Rename…</summary>
      <Form method="post" className="reject-form">
        <CsrfField />
        <input type="hidden" name="publicId" value={apiKey.publicId} />
        <label htmlFor={`rename-${apiKey.publicId}`}>New name of {apiKey.name}</label>
        <input id={`rename-${apiKey.publicId}`} name="name" type="text" defaultValue={apiKey.name} />
        <button type="submit" name="intent" value="rename" className="button button-small">
          Save name
        </button>
      </Form>
    </details>
  );
}

/** The workspace's API keys: never a secret, only the public id each key starts with. */
export function ApiKeyTable({ apiKeys, now }: { apiKeys: ApiKeyView[]; now: string }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="api-keys">
        <caption className="visually-hidden">API keys of this workspace</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Owner</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {apiKeys.map((apiKey) => (
            <tr key={apiKey.publicId} data-key={apiKey.name}>
              <td>
                <strong>{apiKey.name}</strong>
                <div className="mono small muted">lsh_{apiKey.publicId}_…</div>
              </td>
              <td>
                <RoleBadge role={apiKey.role} />
              </td>
              <td>{apiKey.owner ? apiKey.owner.name : "—"}</td>
              <td>
                <LocalTime value={apiKey.createdAt} />
              </td>
              <td>{apiKey.expiresAt ? <LocalTime value={apiKey.expiresAt} /> : "Never"}</td>
              <td>{apiKey.lastUsedAt ? <LocalTime value={apiKey.lastUsedAt} style="relative" /> : "Never"}</td>
              <td>{state(apiKey, now)}</td>
              <td>
                {apiKey.revokedAt ? null : (
                  <div className="card-actions">
                    <RenameForm apiKey={apiKey} />
                    <ConfirmDisclosure
                      label="Revoke…"
                      intent="revoke"
                      fields={{ publicId: apiKey.publicId }}
                      question={`Revoke ${apiKey.name} for good? Requests with it are refused from now on.`}
                      yes={`Yes, revoke ${apiKey.name}`}
                    />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { ReactNode } from "react";
import { Form } from "react-router";

import type { ApiKeyView } from "@leash/core";

import { ConfirmDisclosure } from "./confirm-disclosure.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { DataTable } from "./data-table.tsx";
import { LocalTime } from "./local-time.tsx";
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
    <DataTable
      caption="API keys of this workspace"
      testId="api-keys"
      rows={apiKeys}
      rowKey={(apiKey) => apiKey.publicId}
      rowData={(apiKey) => ({ "data-key": apiKey.name })}
      columns={[
        {
          heading: "Name",
          cell: (apiKey) => (
            <>
              <strong>{apiKey.name}</strong>
              <div className="mono small muted">lsh_{apiKey.publicId}_…</div>
            </>
          ),
        },
        { heading: "Role", cell: (apiKey) => <RoleBadge role={apiKey.role} /> },
        { heading: "Owner", cell: (apiKey) => (apiKey.owner ? apiKey.owner.name : "—") },
        { heading: "Created", cell: (apiKey) => <LocalTime value={apiKey.createdAt} /> },
        { heading: "Expires", cell: (apiKey) => (apiKey.expiresAt ? <LocalTime value={apiKey.expiresAt} /> : "Never") },
        { heading: "Last used", cell: (apiKey) => (apiKey.lastUsedAt ? <LocalTime value={apiKey.lastUsedAt} style="relative" /> : "Never") },
        { heading: "State", cell: (apiKey) => state(apiKey, now) },
        {
          heading: "Change",
          cell: (apiKey) =>
            apiKey.revokedAt ? null : (
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
            ),
        },
      ]}
    />
  );
}

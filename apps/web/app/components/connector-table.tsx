import { Link } from "react-router";

import type { ConnectorView } from "@leash/core";

import { ConfirmDisclosure } from "./confirm-disclosure.tsx";
import { DataTable } from "./data-table.tsx";
import { LocalTime } from "./local-time.tsx";

function Requests({ connector }: { connector: ConnectorView }) {
  return (
    <>
      <div>
        {connector.allowedMethods.join(", ")} <code>{connector.baseUrl}</code>
      </div>
      <div className="small muted">
        under {connector.allowedPathPrefixes.join(", ")}; timeout {connector.timeoutMs} ms
        {connector.allowPrivateNetwork ? "; may reach the private network" : ""}
      </div>
      {connector.previousSecretExpiresAt ? (
        <div className="small muted" data-testid="previous-secret">
          Requests are also signed with the secret the last rotation replaced, until{" "}
          <LocalTime value={connector.previousSecretExpiresAt} />.
        </div>
      ) : null}
    </>
  );
}

function Changes({ connector, secretGraceHours }: { connector: ConnectorView; secretGraceHours: number }) {
  return (
    <div className="card-actions">
      <Link to={`/connectors?edit=${connector.id}`} className="button button-small">
        Edit
      </Link>
      <ConfirmDisclosure
        label="New signing secret…"
        intent="rotate"
        fields={{ connectorId: connector.id }}
        question={`Replace the signing secret of ${connector.name}? For ${secretGraceHours} hours every request is also signed with the old one, so its receiver keeps accepting them until it is given the new one.`}
        yes={`Yes, replace the secret of ${connector.name}`}
      >
        <label className="checkbox-label">
          <input type="checkbox" name="revokePrevious" />
          Stop signing with the old secret at once (it leaked)
        </label>
      </ConfirmDisclosure>
      <ConfirmDisclosure
        label="Delete…"
        intent="delete"
        fields={{ connectorId: connector.id }}
        question={`Delete ${connector.name} for good? Actions that name it can no longer run.`}
        yes={`Yes, delete ${connector.name}`}
      />
    </div>
  );
}

/** The tenant's connectors; secret header values are never in the data, only shown as such. */
export function ConnectorTable({ connectors, canWrite, secretGraceHours }: { connectors: ConnectorView[]; canWrite: boolean; secretGraceHours: number }) {
  return (
    <DataTable
      caption="HTTP connectors"
      testId="connectors"
      rows={connectors}
      rowKey={(connector) => connector.id}
      rowData={(connector) => ({ "data-connector": connector.name })}
      columns={[
        { heading: "Name", cell: (connector) => <strong className="mono">{connector.name}</strong> },
        { heading: "Requests", cell: (connector) => <Requests connector={connector} /> },
        {
          heading: "Headers",
          cell: (connector) =>
            connector.headers.length === 0
              ? "—"
              : connector.headers.map((header) => (
                  <div key={header.name} className="mono small">
                    {header.name}: {header.secret ? "••• (secret)" : header.value}
                  </div>
                )),
        },
        {
          heading: "Undo",
          cell: (connector) => (connector.undo ? <code>{`${connector.undo.method} ${connector.undo.path}`}</code> : "cannot be undone"),
        },
        canWrite && { heading: "Change", cell: (connector) => <Changes connector={connector} secretGraceHours={secretGraceHours} /> },
      ]}
    />
  );
}

import { Link } from "react-router";

import type { ConnectorView } from "@leash/core";

import { ConfirmDisclosure } from "./confirm-disclosure.tsx";

/** The tenant's connectors; secret header values are never in the data, only shown as such. */
export function ConnectorTable({ connectors, canWrite }: { connectors: ConnectorView[]; canWrite: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="connectors">
        <caption className="visually-hidden">HTTP connectors</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Requests</th>
            <th scope="col">Headers</th>
            <th scope="col">Undo</th>
            {canWrite ? <th scope="col">Change</th> : null}
          </tr>
        </thead>
        <tbody>
          {connectors.map((connector) => (
            <tr key={connector.id} data-connector={connector.name}>
              <td>
                <strong className="mono">{connector.name}</strong>
              </td>
              <td>
                <div>
                  {connector.allowedMethods.join(", ")} <code>{connector.baseUrl}</code>
                </div>
                <div className="small muted">
                  under {connector.allowedPathPrefixes.join(", ")}; timeout {connector.timeoutMs} ms
                  {connector.allowPrivateNetwork ? "; may reach the private network" : ""}
                </div>
              </td>
              <td>
                {connector.headers.length === 0
                  ? "—"
                  : connector.headers.map((header) => (
                      <div key={header.name} className="mono small">
                        {header.name}: {header.secret ? "••• (secret)" : header.value}
                      </div>
                    ))}
              </td>
              <td>
                {connector.undo ? (
                  <code>{`${connector.undo.method} ${connector.undo.path}`}</code>
                ) : (
                  "cannot be undone"
                )}
              </td>
              {canWrite ? (
                <td>
                  <div className="card-actions">
                    <Link to={`/connectors?edit=${connector.id}`} className="button button-small">
                      Edit
                    </Link>
                    <ConfirmDisclosure
                      label="New signing secret…"
                      intent="rotate"
                      fields={{ connectorId: connector.id }}
                      question={`Replace the signing secret of ${connector.name}? Its receiver refuses requests until it is given the new one.`}
                      yes={`Yes, replace the secret of ${connector.name}`}
                    />
                    <ConfirmDisclosure
                      label="Delete…"
                      intent="delete"
                      fields={{ connectorId: connector.id }}
                      question={`Delete ${connector.name} for good? Actions that name it can no longer run.`}
                      yes={`Yes, delete ${connector.name}`}
                    />
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

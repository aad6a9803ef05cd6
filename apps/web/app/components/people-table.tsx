import { Form } from "react-router";

import type { PersonView } from "@leash/core";

import { LocalTime } from "./local-time.tsx";
import { ConfirmDisclosure } from "./confirm-disclosure.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { RoleBadge } from "./status-badge.tsx";

const roles = ["admin", "approver", "viewer"] as const;

function RoleForm({ person }: { person: PersonView }) {
  return (
    <Form method="post" className="inline-form">
      <CsrfField />
      <input type="hidden" name="userId" value={person.id} />
      <label className="visually-hidden" htmlFor={`role-${person.id}`}>
        Role of {person.name}
      </label>
      <select id={`role-${person.id}`} name="role" defaultValue={person.role}>
        {roles.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
      <button type="submit" name="intent" value="role" className="button button-small">
        Change role
      </button>
    </Form>
  );
}

/** Everyone of the workspace, with what an admin may change about each. */
export function PeopleTable({ people, selfId }: { people: PersonView[]; selfId: string }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="people">
        <caption className="visually-hidden">People of this workspace</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => (
            <tr key={person.id} data-person={person.email}>
              <td>
                <strong>{person.name}</strong>
                {person.id === selfId ? <span className="small muted"> (you)</span> : null}
                <div className="small muted">{person.email}</div>
              </td>
              <td>{person.active ? <RoleForm person={person} /> : <RoleBadge role={person.role} />}</td>
              <td>
                {person.active ? (
                  "Active"
                ) : (
                  <>
                    Deactivated <LocalTime value={person.deactivatedAt ?? person.createdAt} />
                  </>
                )}
              </td>
              <td>
                <div className="card-actions">
                  <ConfirmDisclosure
                    label="Reset password…"
                    intent="reset"
                    fields={{ userId: person.id }}
                    question={`Give ${person.name} a new password? Their old one stops working and they are signed out everywhere.`}
                    yes={`Yes, reset the password of ${person.name}`}
                  />
                  {person.active ? (
                    <ConfirmDisclosure
                      label="Deactivate…"
                      intent="deactivate"
                      fields={{ userId: person.id }}
                      question={`Deactivate ${person.name}? They are signed out at once, cannot sign in, and their API keys stop working.`}
                      yes={`Yes, deactivate ${person.name}`}
                    />
                  ) : (
                    <Form method="post" className="inline-form">
                      <CsrfField />
                      <input type="hidden" name="userId" value={person.id} />
                      <button type="submit" name="intent" value="reactivate" className="button button-small">
                        Reactivate
                      </button>
                    </Form>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

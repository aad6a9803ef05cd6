import { Form } from "react-router";

import type { PersonView } from "@leash/core";

import { ConfirmDisclosure } from "./confirm-disclosure.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { DataTable } from "./data-table.tsx";
import { LocalTime } from "./local-time.tsx";
import { RoleBadge } from "./status-badge.tsx";

const roles = ["admin", "approver", "viewer"] as const;

function RoleForm({ person }: { person: PersonView }) {
  return (
    <Form method="post" className="inline-form role-form">
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

function Status({ person }: { person: PersonView }) {
  if (person.active) return "Active";
  return (
    <>
      Deactivated <LocalTime value={person.deactivatedAt ?? person.createdAt} />
    </>
  );
}

function Changes({ person }: { person: PersonView }) {
  return (
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
  );
}

/** Everyone of the workspace, with what an admin may change about each. */
export function PeopleTable({ people, selfId }: { people: PersonView[]; selfId: string }) {
  return (
    <DataTable
      caption="People of this workspace"
      testId="people"
      rows={people}
      rowKey={(person) => person.id}
      rowData={(person) => ({ "data-person": person.email })}
      columns={[
        {
          heading: "Person",
          cell: (person) => (
            <>
              <strong>{person.name}</strong>
              {person.id === selfId ? <span className="small muted"> (you)</span> : null}
              <div className="small muted">{person.email}</div>
            </>
          ),
        },
        { heading: "Role", cell: (person) => (person.active ? <RoleForm person={person} /> : <RoleBadge role={person.role} />) },
        { heading: "Status", cell: (person) => <Status person={person} /> },
        { heading: "Change", cell: (person) => <Changes person={person} /> },
      ]}
    />
  );
}

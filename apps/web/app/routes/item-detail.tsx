import { Link } from "react-router";

import { getItem, loadItemFacts, presentAction } from "@leash/core";

import { DatedText, LocalTime } from "../components/local-time.tsx";
import { ActionRows } from "../components/action-rows.tsx";
import { capitalize, humanize, humanValue } from "../lib/format.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import type { Route } from "./+types/item-detail";

export function meta({ params, matches }: Route.MetaArgs) {
  return [{ title: consoleTitle(`Item #${params.itemId}`, matches) }];
}

export async function loader({ request, params }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const deps = getDeps();
  const detail = await loadOrFail(() => getItem(deps, { actor, input: { itemId: Number(params.itemId) } }));
  const facts = await loadItemFacts(deps.db, actor.tenantId, detail.actions);
  const headlines = Object.fromEntries(detail.actions.map((action) => [action.id, presentAction(action, facts).headline]));
  return { ...detail, headlines };
}

export default function ItemDetail({ loaderData }: Route.ComponentProps) {
  const { item, links, actions, headlines } = loaderData;
  const fields = Object.entries(item.data);
  return (
    <div className="page">
      <header className="detail-header">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link to="/items">Items</Link>
          <span aria-hidden="true">/</span>
          <Link to={`/items?kind=${item.kind}`}>{capitalize(item.kind)}</Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">#{item.id}</span>
        </nav>
        <div className="detail-title">
          <h1 data-testid="item-title">{item.title}</h1>
          <span className="badge badge-neutral">{item.kind}</span>
          {item.deletedAt ? <span className="badge badge-deleted">Deleted</span> : null}
        </div>
        <p className="meta">
          Version {item.version} · created <LocalTime value={item.createdAt} /> · last changed <LocalTime value={item.updatedAt} />
          {item.deletedAt ? (
            <>
              {" · deleted "}
              <LocalTime value={item.deletedAt} />
            </>
          ) : null}
        </p>
      </header>
      <div className="pair-grid">
        <section className="card panel" aria-labelledby="fields-heading">
          <h2 id="fields-heading">Fields</h2>
          {fields.length === 0 ? (
            <p className="muted">No fields.</p>
          ) : (
            <dl className="kv" data-testid="item-fields">
              {fields.map(([field, value]) => (
                <div key={field} className="kv-row">
                  <dt>{humanize(field)}</dt>
                  <dd>{typeof value === "string" ? <DatedText text={humanValue(value)} /> : JSON.stringify(value)}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
        <section className="card panel" aria-labelledby="links-heading">
          <h2 id="links-heading">Links</h2>
          {links.length === 0 ? (
            <p className="muted">Not linked to anything.</p>
          ) : (
            <ul className="details">
              {links.map((link) => (
                <li key={link.id}>
                  {link.direction === "outgoing" ? `${humanize(link.relation)} ` : ""}
                  <Link to={`/items/${link.other.id}`}>
                    {link.other.title} ({link.other.kind})
                  </Link>
                  {link.direction === "incoming" ? ` ${humanize(link.relation)} this` : ""}
                  {link.other.deleted ? " (deleted)" : ""}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="stack" aria-labelledby="actions-heading">
        <h2 id="actions-heading">What happened to it</h2>
        <ActionRows actions={actions} headlines={headlines} />
      </section>
    </div>
  );
}

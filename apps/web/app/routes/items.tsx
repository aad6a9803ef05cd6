import { Form, Link } from "react-router";

import { listItems, targetTypeSchema, type ItemView } from "@leash/core";

import { LocalTime } from "../components/local-time.tsx";
import { capitalize, humanize, humanValue } from "../lib/format.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireUser } from "../server/auth.server.ts";
import { loadOrFail } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import type { Route } from "./+types/items";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Items", matches) }];
}

const kindLabels: Record<ItemView["kind"], string> = { person: "People", project: "Projects", idea: "Ideas", admin: "Admin" };

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const url = new URL(request.url);
  const kind = url.searchParams.get("kind") ?? "";
  const search = url.searchParams.get("q") ?? "";
  const includeDeleted = url.searchParams.get("deleted") === "1";
  const cursor = url.searchParams.get("cursor");
  const parsedKind = targetTypeSchema.safeParse(kind);
  const page = await loadOrFail(() =>
    listItems(getDeps(), {
      actor,
      input: {
        ...(parsedKind.success ? { kind: parsedKind.data } : {}),
        ...(search.trim() ? { search } : {}),
        includeDeleted,
        ...(cursor ? { cursor: Number(cursor) } : {}),
        limit: 60,
      },
    }),
  );
  return { ...page, kind: parsedKind.success ? parsedKind.data : null, search, includeDeleted, kinds: targetTypeSchema.options };
}

/** The first few fields of an item, for its card. */
function summary(item: ItemView): [string, string][] {
  return Object.entries(item.data)
    .slice(0, 3)
    .map(([field, value]) => [humanize(field), typeof value === "string" ? humanValue(value) : JSON.stringify(value)]);
}

export default function Items({ loaderData }: Route.ComponentProps) {
  const { items, nextCursor, kind, search, includeDeleted, kinds } = loaderData;
  const query = (next: { kind?: string | null; cursor?: number }) => {
    const params = new URLSearchParams();
    const chosen = next.kind === undefined ? kind : next.kind;
    if (chosen) params.set("kind", chosen);
    if (search) params.set("q", search);
    if (includeDeleted) params.set("deleted", "1");
    if (next.cursor !== undefined) params.set("cursor", String(next.cursor));
    const text = params.toString();
    return text ? `?${text}` : "?";
  };
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Items</h1>
          <p className="muted">The people, projects, ideas and admin items your actions work on, with what happened to each.</p>
        </div>
      </header>
      <nav className="tabs" aria-label="Kinds of items">
        <Link className="tab" to={query({ kind: null })} aria-current={kind === null ? "page" : undefined}>
          All
        </Link>
        {kinds.map((entry) => (
          <Link key={entry} className="tab" to={query({ kind: entry })} aria-current={kind === entry ? "page" : undefined}>
            {kindLabels[entry]}
          </Link>
        ))}
      </nav>
      <Form method="get" className="filters filters-compact" aria-label="Search items">
        {kind ? <input type="hidden" name="kind" value={kind} /> : null}
        <div className="field">
          <label htmlFor="item-search">Title contains</label>
          <input id="item-search" name="q" type="search" defaultValue={search} />
        </div>
        <label className="checkbox-label">
          <input type="checkbox" name="deleted" value="1" defaultChecked={includeDeleted} />
          Show deleted items
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Search
          </button>
        </div>
      </Form>
      {items.length === 0 ? (
        <section className="empty-state">
          <h2>No items here</h2>
          <p className="muted">Items appear when agents create them, or from the seed.</p>
        </section>
      ) : (
        <ul className="item-grid" aria-label="Items">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={`/items/${item.id}`} className="card item-card" data-item-id={item.id}>
                <span className="eyebrow">
                  {capitalize(item.kind)} · #{item.id}
                </span>
                <h2>{item.title}</h2>
                <dl className="kv">
                  {summary(item).map(([field, value]) => (
                    <div key={field} className="kv-row">
                      <dt>{field}</dt>
                      <dd>{value}</dd>
                    </div>
                  ))}
                </dl>
                <span className="meta">
                  {item.deletedAt ? <span className="badge badge-deleted">Deleted</span> : null} Updated <LocalTime value={item.updatedAt} style="short" /> · version {item.version}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {nextCursor !== null ? (
        <Link className="button" to={query({ cursor: nextCursor })}>
          Next page
        </Link>
      ) : null}
    </div>
  );
}

import { type RouteConfig, index, layout, route } from "@react-router/dev/routes";

export default [
  route("sign-in", "routes/sign-in.tsx"),
  route("sign-out", "routes/sign-out.ts"),
  route("healthz", "routes/healthz.ts"),
  route("history/export", "routes/history-export.ts"),
  layout("routes/console.tsx", [
    index("routes/inbox.tsx"),
    route("history", "routes/history.tsx"),
    route("actions/:actionId", "routes/action-detail.tsx", [route("rollback", "routes/action-rollback.tsx")]),
    route("templates", "routes/templates.tsx"),
    route("templates/new", "routes/template-edit.tsx", { id: "template-new" }),
    route("templates/:templateId/edit", "routes/template-edit.tsx", { id: "template-edit" }),
    route("templates/:templateId/run", "routes/template-run.tsx"),
    route("items", "routes/items.tsx"),
    route("items/:itemId", "routes/item-detail.tsx"),
    route("queue", "routes/queue.tsx"),
    route("metrics", "routes/metrics.tsx"),
    route("preferences", "routes/preferences.tsx"),
    route("policies", "routes/policies.tsx"),
    route("connectors", "routes/connectors.tsx"),
    route("webhooks", "routes/webhooks.tsx"),
    route("webhooks/:endpointId", "routes/webhook-detail.tsx"),
    route("notifications", "routes/notifications.tsx"),
    route("settings", "routes/settings.tsx"),
  ]),
] satisfies RouteConfig;

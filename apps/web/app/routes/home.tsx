import type { Route } from "./+types/home";

const API_URL = "http://127.0.0.1:3001/trpc";

export function meta(_args: Route.MetaArgs) {
  return [
    { title: "Leash console" },
    { name: "description", content: "Leash: actions proposed by agents, approved by humans." },
  ];
}

export default function Home() {
  return (
    <main className="page">
      <header>
        <p className="eyebrow">Leash</p>
        <h1>Leash console</h1>
      </header>
      <section className="card">
        <h2>The console is being built</h2>
        <p>
          This is where people will review what agents want to do: an <strong>approval inbox</strong> for
          pending actions, the <strong>history</strong> of everything that ran, and <strong>rollback</strong>{" "}
          of actions that can be undone.
        </p>
      </section>
      <section className="card">
        <h2>For agents</h2>
        <p>Agents do not use this console. They propose actions through the API:</p>
        <pre>
          <code>{API_URL}</code>
        </pre>
      </section>
    </main>
  );
}

import { useState } from "react";

/** A password or key shown this once after it was made: the server keeps only its hash. */
export function OneTimeSecret({ title, explanation, secret }: { title: string; explanation: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="card panel stack" aria-labelledby="one-time-secret-heading" data-testid="one-time-secret">
      <h2 id="one-time-secret-heading">{title}</h2>
      <p>{explanation} It is shown only this once.</p>
      <pre className="code-block">
        <code data-testid="secret-value">{secret}</code>
      </pre>
      <div>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            void navigator.clipboard.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </section>
  );
}

import { useState } from "react";

/** A signing secret, shown this once after a create or a rotation; the server keeps only its encrypted form. */
export function SigningSecretNotice({ connector, secret }: { connector: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <section
      className="card panel stack"
      aria-labelledby="signing-secret-heading"
      data-testid="signing-secret"
    >
      <h2 id="signing-secret-heading">Signing secret of {connector}</h2>
      <p>
        Copy it now and give it to the service behind {connector}: it is shown only this once. The service
        verifies each request with it (Standard Webhooks: <code>webhook-id</code>,{" "}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>).
      </p>
      <pre className="code-block">
        <code>{secret}</code>
      </pre>
      <div>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            void navigator.clipboard.writeText(secret).then(() => {
              setCopied(true);
            });
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </section>
  );
}

import type { OpenApiDocument, OpenApiOperation } from "./openapi-document.ts";

type Schema = Record<string, unknown>;

const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const text = (value: unknown) => (typeof value === "string" ? value : "");
const isSchema = (value: unknown): value is Schema => value !== null && typeof value === "object" && !Array.isArray(value);
const schemaList = (value: unknown): Schema[] => (Array.isArray(value) ? value.filter(isSchema) : []);
const refName = (schema: Schema) => (typeof schema.$ref === "string" ? schema.$ref.replace("#/components/schemas/", "") : null);
const anchor = (name: string) => `schema-${name.replaceAll(/[^A-Za-z0-9_-]/g, "-")}`;
const SAFE_INTEGER = 9007199254740991;

/** Renders JSON Schema (as zod generates it) as nested lists a person can read. */
class SchemaRenderer {
  constructor(
    private readonly components: Record<string, Schema>,
    /** Components shown on their own at the end of the page; others are inlined where used. */
    private readonly named: ReadonlySet<string>,
  ) {}

  resolve(schema: Schema): Schema {
    const name = refName(schema);
    return name !== null && !this.named.has(name) ? this.resolve(this.components[name] ?? {}) : schema;
  }

  constraints(schema: Schema): string[] {
    const notes: string[] = [];
    const number = (key: string, label: string) => {
      const value = schema[key];
      if (typeof value === "number" && Math.abs(value) !== SAFE_INTEGER) notes.push(`${label} ${value}`);
    };
    number("minimum", "≥");
    number("exclusiveMinimum", ">");
    number("maximum", "≤");
    number("minLength", "min length");
    number("maxLength", "max length");
    number("minItems", "min items");
    number("maxItems", "max items");
    if (typeof schema.format === "string") notes.push(`format ${schema.format}`);
    else if (typeof schema.pattern === "string") notes.push(`pattern <code>${escape(schema.pattern)}</code>`);
    if (schema.default !== undefined) notes.push(`default <code>${escape(JSON.stringify(schema.default))}</code>`);
    if (schema.additionalProperties === false) notes.push("no other fields");
    return notes;
  }

  /** The field whose constant value tells the variants of a union apart (`actionType`), if there is one. */
  discriminator(variants: Schema[]): string | null {
    const shapes = variants.map((variant) => this.resolve(variant));
    const first = shapes[0];
    const candidates = first && isSchema(first.properties) ? Object.keys(first.properties) : [];
    return (
      candidates.find((name) =>
        shapes.every((shape) => isSchema(shape.properties) && isSchema(shape.properties[name]) && shape.properties[name].const !== undefined),
      ) ?? null
    );
  }

  /** One line naming the type; nested structure follows from `render`. */
  label(raw: Schema): string {
    const schema = this.resolve(raw);
    const name = refName(schema);
    if (name !== null) return `<a href="#${anchor(name)}">${escape(name)}</a>`;
    if (schema.const !== undefined) return `<code>${escape(JSON.stringify(schema.const))}</code>`;
    if (Array.isArray(schema.enum)) return schema.enum.map((value) => `<code>${escape(JSON.stringify(value))}</code>`).join(" | ");
    const variants = schemaList(schema.anyOf ?? schema.oneOf);
    if (variants.length > 0) {
      const nonNull = variants.filter((variant) => variant.type !== "null");
      const by = nonNull.length > 1 ? this.discriminator(nonNull) : null;
      if (by !== null) return `one of ${nonNull.length} shapes, told apart by <code>${escape(by)}</code>`;
      const labels = nonNull.map((variant) => this.label(variant));
      return `${labels.join(" or ")}${nonNull.length < variants.length ? " or null" : ""}`;
    }
    const type = Array.isArray(schema.type) ? schema.type.join(" or ") : typeof schema.type === "string" ? schema.type : "any JSON";
    if (type === "array" && isSchema(schema.items)) return `array of ${this.label(schema.items)}`;
    return escape(type);
  }

  render(raw: Schema, depth = 0): string {
    const schema = this.resolve(raw);
    if (depth > 6 || refName(schema) !== null) return "";
    const variants = schemaList(schema.anyOf ?? schema.oneOf).filter((variant) => variant.type !== "null");
    if (variants.length > 1) {
      const by = this.discriminator(variants);
      const items = variants.map((variant) => {
        const shape = this.resolve(variant);
        const tag = by !== null && isSchema(shape.properties) && isSchema(shape.properties[by]) ? shape.properties[by].const : undefined;
        const heading = tag !== undefined && by !== null ? `<code>${escape(by)}: ${escape(JSON.stringify(tag))}</code>` : this.label(variant);
        const notes = this.constraints(shape);
        return `<li>${heading}${notes.length > 0 ? ` <span class="hint">(${notes.join(", ")})</span>` : ""}${this.render(variant, depth + 1)}</li>`;
      });
      return `<ol class="variants">${items.join("")}</ol>`;
    }
    const single = variants[0];
    if (single) return this.render(single, depth + 1);
    if (schema.type === "array" && isSchema(schema.items)) return this.render(schema.items, depth + 1);
    const properties = isSchema(schema.properties) ? Object.entries(schema.properties).filter((entry): entry is [string, Schema] => isSchema(entry[1])) : [];
    if (properties.length === 0) return "";
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const rows = properties.map(([name, property]) => {
      const resolved = this.resolve(property);
      const notes = [typeof resolved.description === "string" ? escape(resolved.description) : "", ...this.constraints(resolved)].filter(Boolean);
      return `<tr><td><code>${escape(name)}</code>${required.has(name) ? "" : ' <span class="optional">optional</span>'}</td><td>${this.label(property)}</td><td>${notes.join("; ")}${this.render(property, depth + 1)}</td></tr>`;
    });
    return `<table><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  }
}

function exampleCall(method: string, path: string, streamed: boolean): string {
  const auth = `-H "authorization: Bearer $LEASH_API_KEY"`;
  if (path.startsWith("/export/")) return `curl "$LEASH_URL${path}?status=executed" ${auth} -o export`;
  if (streamed) return `curl -N -G "$LEASH_URL${path}" --data-urlencode 'input={...}' ${auth} -H 'accept: text/event-stream'`;
  return method === "get"
    ? `curl -G "$LEASH_URL${path}" --data-urlencode 'input={...}' ${auth}`
    : `curl -X POST "$LEASH_URL${path}" ${auth} -H 'content-type: application/json' -d '{...}'`;
}

function inputOf(operation: OpenApiOperation): Schema | null {
  const body = isSchema(operation.requestBody) ? operation.requestBody : null;
  const fromBody = body && isSchema(body.content) && isSchema(body.content["application/json"]) ? body.content["application/json"].schema : null;
  if (isSchema(fromBody)) return fromBody;
  const parameters = schemaList(operation.parameters);
  const input = parameters.find((parameter) => parameter.name === "input");
  if (input && isSchema(input.content) && isSchema(input.content["application/json"]) && isSchema(input.content["application/json"].schema)) {
    return input.content["application/json"].schema;
  }
  if (parameters.length === 0) return null;
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((parameter) => [String(parameter.name), isSchema(parameter.schema) ? parameter.schema : {}])),
  };
}

function outputOf(operation: OpenApiOperation): Schema | null {
  const ok = isSchema(operation.responses) && isSchema(operation.responses["200"]) ? operation.responses["200"] : null;
  const content = ok && isSchema(ok.content) ? Object.values(ok.content).find(isSchema) : undefined;
  const schema = content && isSchema(content.schema) ? content.schema : null;
  if (!schema) return null;
  const result = isSchema(schema.properties) && isSchema(schema.properties.result) ? schema.properties.result : null;
  const data = result && isSchema(result.properties) && isSchema(result.properties.data) ? result.properties.data : null;
  return data ?? schema;
}

const styles = `
  :root { font-family: system-ui, sans-serif; color: #1d2430; line-height: 1.45; }
  body { margin: 0 auto; max-width: 1100px; padding: 1.5rem; }
  nav a { margin-right: .75rem; }
  section.operation { border: 1px solid #d5dae1; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
  h3 { margin: 0 0 .5rem; font-size: 1.05rem; }
  .method { display: inline-block; min-width: 3.5rem; text-align: center; border-radius: 4px; padding: 0 .4rem; margin-right: .5rem; color: #fff; font-size: .85rem; }
  .get { background: #1f6f43; } .post { background: #1f4f8f; }
  table { border-collapse: collapse; width: 100%; margin: .25rem 0 .75rem; font-size: .9rem; }
  th, td { border-top: 1px solid #e3e7ec; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  th { color: #56606e; font-weight: 600; }
  .optional, .hint { color: #6b7480; font-size: .85rem; }
  pre { background: #f4f6f8; padding: .6rem; border-radius: 6px; overflow-x: auto; font-size: .85rem; }
  a:focus, summary:focus { outline: 3px solid #7aa7ff; outline-offset: 2px; }
`;

/** A readable page of the whole API, rendered from the OpenAPI document (so it cannot drift either). */
export function renderDocsPage(document: OpenApiDocument): string {
  const components = isSchema(document.components) && isSchema(document.components.schemas) ? document.components.schemas : {};
  const schemas = Object.fromEntries(Object.entries(components).filter((entry): entry is [string, Schema] => isSchema(entry[1])));
  const named = new Set(Object.keys(schemas).filter((name) => !name.includes(".")));
  const renderer = new SchemaRenderer(schemas, named);
  const info = isSchema(document.info) ? document.info : {};
  const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
  const tags = [...new Set(operations.map(({ operation }) => operation.tags[0] ?? ""))];

  const sections = tags.map((tag) => {
    const cards = operations
      .filter(({ operation }) => operation.tags[0] === tag)
      .map(({ path, method, operation }) => {
        const input = inputOf(operation);
        const output = outputOf(operation);
        return `<section class="operation" id="${escape(operation.operationId)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span><code>${escape(path)}</code></h3>
  <p>${escape(operation.description)}</p>
  <h4>Input</h4>${input ? `<p>${renderer.label(input)}</p>${renderer.render(input)}` : "<p>none</p>"}
  <h4>Output</h4>${output ? `<p>${renderer.label(output)}</p>${renderer.render(output)}` : "<p>none</p>"}
  <pre>${escape(exampleCall(method, path, JSON.stringify(operation.responses).includes("text/event-stream")))}</pre>
</section>`;
      });
    return `<h2 id="tag-${escape(tag)}">${escape(tag)}</h2>${cards.join("\n")}`;
  });
  const shared = [...named].map(
    (name) => `<section class="operation" id="${anchor(name)}"><h3>${escape(name)}</h3>${renderer.render(schemas[name] ?? {}) || `<p>${renderer.label(schemas[name] ?? {})}</p>`}</section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(text(info.title))}</title><style>${styles}</style></head>
<body>
<h1>${escape(text(info.title))} <small>${escape(text(info.version))}</small></h1>
<p>${escape(text(info.description))}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Set <code>LEASH_URL</code> to this server and <code>LEASH_API_KEY</code> to your key to use the examples.</p>
<nav aria-label="Routers">${tags.map((tag) => `<a href="#tag-${escape(tag)}">${escape(tag)}</a>`).join("")}<a href="#shared">shared shapes</a></nav>
<main>${sections.join("\n")}
<h2 id="shared">Shared shapes</h2>${shared.join("\n")}</main>
</body></html>`;
}

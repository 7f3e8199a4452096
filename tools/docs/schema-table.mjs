/**
 * @module Turns a JSON Schema (as zod's toJSONSchema writes it) into one row per key, and rows into
 * Markdown tables. Knows the shapes zod emits: objects, records (`additionalProperties` schemas),
 * arrays, enums, numeric bounds, string patterns and formats, `anyOf`.
 */

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * @typedef {{ section: string, path: string, type: string, default: string, allowed: string,
 *   description: string }} Row
 */

/** Every key of an object schema, depth first, in the schema's own order. */
export function flattenSchema(schema) {
  /** @type {Row[]} */
  const rows = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const required = (schema.required ?? []).includes(key);
    const isScalar = !isObjectLike(property) && !isObjectLike(property.items ?? {});
    visit(rows, isScalar ? "top level" : key, key, property, required);
  }
  return rows;
}

function isObjectLike(schema) {
  return schema.type === "object";
}

function visit(rows, section, path, schema, required) {
  rows.push({
    section,
    path,
    type: typeOf(schema),
    default: defaultOf(schema, required),
    allowed: allowedOf(schema),
    description: schema.description ?? "",
  });
  const children = childrenOf(schema, path);
  for (const child of children) visit(rows, section, child.path, child.schema, child.required);
}

/** The keys under a value: an object's properties, a record's or a list's object entries. */
function childrenOf(schema, path) {
  if (schema.type === "object" && schema.properties)
    return Object.entries(schema.properties).map(([key, value]) => ({
      path: `${path}.${key}`,
      schema: value,
      required: (schema.required ?? []).includes(key),
    }));
  const entry = recordValue(schema);
  if (entry?.properties) return childrenOf(entry, `${path}.<name>`);
  if (schema.type === "array" && schema.items?.properties) return childrenOf(schema.items, `${path}[]`);
  return [];
}

function recordValue(schema) {
  return schema.type === "object" && typeof schema.additionalProperties === "object"
    ? schema.additionalProperties
    : undefined;
}

function typeOf(schema) {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.type === "array") return `list of ${plural(typeOf(schema.items ?? {}))}`;
  const entry = recordValue(schema);
  if (entry) return `map of ${plural(typeOf(entry))}`;
  if (schema.type === "object") return schema.properties ? "object" : "map";
  if (schema.type === "string" && schema.format === "uri") return "URL";
  return schema.type ?? "any";
}

function plural(type) {
  if (type === "any") return "any values";
  if (type.startsWith("list of") || type.startsWith("map of")) return type;
  return type === "object" ? "objects" : `${type}s`;
}

function defaultOf(schema, required) {
  if (schema.default === undefined) return required ? "*required*" : "";
  // Objects filled in from their own keys' defaults are described by those keys.
  if (isPlainEmptyObject(schema.default)) return "";
  return `\`${JSON.stringify(schema.default)}\``;
}

function isPlainEmptyObject(value) {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

function allowedOf(schema) {
  if (schema.anyOf) return schema.anyOf.map(allowedOf).filter(Boolean).join("; ");
  if (schema.type === "array") {
    const items = allowedOf(schema.items ?? {});
    const count = schema.minItems ? `at least ${schema.minItems}` : "";
    return [count, items && `each ${items}`].filter(Boolean).join("; ");
  }
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(", ");
  const parts = [];
  if (schema.type === "integer" || schema.type === "number") parts.push(bounds(schema));
  if (schema.type === "string") {
    if (schema.minLength === 1) parts.push("non-empty");
    else if (schema.minLength !== undefined) parts.push(`at least ${schema.minLength} characters`);
    if (schema.pattern && schema.format !== "uri") parts.push(`matches \`${schema.pattern}\``);
    if (schema.format === "uri" && schema.pattern) parts.push(`scheme \`${schemeOf(schema.pattern)}\``);
  }
  return parts.filter(Boolean).join("; ");
}

function schemeOf(pattern) {
  const found = /\^\(?([a-z|]+)\)?\$/.exec(pattern);
  return found?.[1] ? found[1].split("|").join("` or `") : pattern;
}

function bounds(schema) {
  const low =
    schema.exclusiveMinimum !== undefined
      ? `> ${schema.exclusiveMinimum}`
      : schema.minimum !== undefined && schema.minimum > -MAX_SAFE
        ? `≥ ${schema.minimum}`
        : "";
  const high =
    schema.exclusiveMaximum !== undefined
      ? `< ${schema.exclusiveMaximum}`
      : schema.maximum !== undefined && schema.maximum < MAX_SAFE
        ? `≤ ${schema.maximum}`
        : "";
  if (low.startsWith("≥") && high.startsWith("≤")) return `${schema.minimum} to ${schema.maximum}`;
  return [low, high].filter(Boolean).join(", ");
}

function cell(text) {
  return String(text).replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** A heading and one table for the rows of one section. */
export function renderSection(section, rows, heading) {
  const own = rows.filter((row) => row.section === section);
  const [first] = own;
  // An object section's own row only carries its description: say it above the table instead.
  const isObjectSection = first !== undefined && first.path === section && first.type === "object";
  const intro = isObjectSection ? [first.description, ""] : [];
  const body = isObjectSection ? own.slice(1) : own;
  return [
    `${heading} ${section}`,
    "",
    ...intro,
    "| key | type | default | allowed | description |",
    "| --- | --- | --- | --- | --- |",
    ...body.map(
      (row) =>
        `| \`${cell(row.path)}\` | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.allowed)} | ${cell(row.description)} |`,
    ),
    "",
  ];
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function anchorOf(heading) {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replaceAll(" ", "-");
}

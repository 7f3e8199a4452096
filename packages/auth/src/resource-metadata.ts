/**
 * @module RFC 9728 protected-resource metadata: the document, and where it is served. Clients
 * derive the well-known URL by inserting `/.well-known/oauth-protected-resource` between the
 * origin and the path of the resource (§3.1), so `/mcp` is served at
 * `/.well-known/oauth-protected-resource/mcp`; the root form is served too for older clients.
 */

export const WELL_KNOWN_RESOURCE_PATH = "/.well-known/oauth-protected-resource";

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
}

export interface MetadataInput {
  /** Absolute URL of the protected resource (the MCP endpoint). */
  resource: string;
  authorizationServers: readonly string[];
  scopes: readonly string[];
  resourceName?: string;
}

export function buildResourceMetadata(input: MetadataInput): ProtectedResourceMetadata {
  const resource = absoluteUrl(input.resource, "resource");
  const doc: ProtectedResourceMetadata = { resource, bearer_methods_supported: ["header"] };
  if (input.authorizationServers.length > 0) {
    doc.authorization_servers = input.authorizationServers.map((s) => absoluteUrl(s, "authorization server"));
  }
  if (input.scopes.length > 0) doc.scopes_supported = [...input.scopes];
  if (input.resourceName !== undefined) doc.resource_name = input.resourceName;
  return doc;
}

/** The path-inserted metadata URL of a resource (what goes into `resource_metadata`). */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "");
  return `${url.origin}${WELL_KNOWN_RESOURCE_PATH}${path}`;
}

/** Every path the metadata is served at for this resource: the path-inserted one and the root one. */
export function resourceMetadataPaths(resource: string): string[] {
  const inserted = new URL(resourceMetadataUrl(resource)).pathname;
  return inserted === WELL_KNOWN_RESOURCE_PATH ? [inserted] : [inserted, WELL_KNOWN_RESOURCE_PATH];
}

function absoluteUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${what} "${value}" must be an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`${what} "${value}" must be an http(s) URL`);
  }
  // RFC 8707 §2: no fragment in a resource indicator.
  url.hash = "";
  return url.href.endsWith("/") && !value.endsWith("/") ? url.href.slice(0, -1) : url.href;
}

/** @module Resources and the resource template (resources-read-*, resources-templates-read, subscribe, caching). */
import type { ResourceDefinition, ResourceTemplateDefinition } from "@mcp-runtime/plugin-sdk";
import { TEST_IMAGE_BASE64 } from "./assets.js";

/** Offered as completions for the template's `{id}`; the suite itself reads id 123. */
const TEMPLATE_IDS = ["123", "456", "789"] as const;

export const resources: Record<string, ResourceDefinition> = {
  "static-text": {
    uri: "test://static-text",
    title: "Static Text Resource",
    description: "A static text resource for testing",
    mimeType: "text/plain",
    read: () => "This is the content of the static text resource.",
  },
  "static-binary": {
    uri: "test://static-binary",
    title: "Static Binary Resource",
    description: "A static binary resource (image) for testing",
    mimeType: "image/png",
    read: () => ({ blob: TEST_IMAGE_BASE64 }),
  },
  "watched-resource": {
    uri: "test://watched-resource",
    title: "Watched Resource",
    description: "A resource clients can subscribe to (resources-subscribe, resources-unsubscribe)",
    mimeType: "text/plain",
    read: () => "Watched resource content",
  },
};

export const resourceTemplates: Record<string, ResourceTemplateDefinition> = {
  template: {
    uriTemplate: "test://template/{id}/data",
    title: "Resource Template",
    description: "A resource template with parameter substitution",
    mimeType: "application/json",
    read: (_uri, { id }) => {
      // `{id}` is a simple expansion, so it is one string; anything else names no resource.
      if (typeof id !== "string") return undefined;
      return JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` });
    },
    complete: { id: (value) => TEMPLATE_IDS.filter((id) => id.startsWith(value)) },
  },
};

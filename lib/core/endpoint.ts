// Endpoint ids: "owner/alias[/path]", "workflows|comfy/owner/alias[/path]", legacy "123-app".

const ENDPOINT_NAMESPACES = ["workflows", "comfy"] as const;
type EndpointNamespace = (typeof ENDPOINT_NAMESPACES)[number];

export type EndpointId = {
  readonly owner: string;
  readonly alias: string;
  readonly path?: string;
  readonly namespace?: EndpointNamespace;
};

/** Keeps any id with a "/"; turns a legacy "<digits>-<name>" id into "<digits>/<name>". */
export function ensureEndpointIdFormat(id: string): string {
  if (id.split("/").length > 1) {
    return id;
  }
  const [, appOwner, appId] = /^([0-9]+)-([a-zA-Z0-9-]+)$/.exec(id) || [];
  if (appOwner && appId) {
    return `${appOwner}/${appId}`;
  }
  throw new Error(`Invalid app id: ${id}. Must be in the format <appOwner>/<appId>`);
}

export function parseEndpointId(id: string): EndpointId {
  const parts = ensureEndpointIdFormat(id).split("/");
  if ((ENDPOINT_NAMESPACES as readonly string[]).includes(parts[0])) {
    return {
      owner: parts[1],
      alias: parts[2],
      path: parts.slice(3).join("/") || undefined,
      namespace: parts[0] as EndpointNamespace,
    };
  }
  return {
    owner: parts[0],
    alias: parts[1],
    path: parts.slice(2).join("/") || undefined,
  };
}

/** "[namespace/]owner/alias": the app part that status, result and cancel URLs use (path dropped). */
export function appPrefix(id: string): string {
  const app = parseEndpointId(id);
  return `${app.namespace ? `${app.namespace}/` : ""}${app.owner}/${app.alias}`;
}

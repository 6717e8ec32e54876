// Storage types (the storage client itself is a later issue; the shapes are public already).

export type ObjectExpiration = "never" | "immediate" | "1h" | "1d" | "7d" | "30d" | "1y" | number;

export type StorageACLDecision = "hide" | "forbid" | "allow";

export interface StorageACLRule {
  user: string;
  decision: StorageACLDecision;
}

export interface StorageACL {
  default?: StorageACLDecision;
  rules?: StorageACLRule[];
}

/** Lifecycle of stored objects: expiry (a preset or seconds) and the initial ACL. */
export interface StorageSettings {
  expiresIn?: ObjectExpiration;
  initialAcl?: StorageACL;
}

export type UploadOptions = {
  /** Sent as the `X-Fal-Object-Lifecycle` header of the upload. */
  lifecycle?: StorageSettings;
};

export interface StorageClient {
  /** Uploads a file and resolves with its URL. */
  upload: (file: Blob, options?: UploadOptions) => Promise<string>;
  /** Replaces Blob/File values in `input` (recursively) with uploaded URLs. */
  transformInput: (input: Record<string, any>) => Promise<Record<string, any>>;
}

import { createHash, randomBytes } from "node:crypto";

/** A new random id: 16 url-safe characters (96 bits). Ids are made by the app so that any database can store them. */
export function newId(): string {
  return randomBytes(12).toString("base64url");
}

/** A deterministic id for seeded or imported records, so re-running a seed or import finds the same rows. */
export function stableId(namespace: string, key: string): string {
  return createHash("sha256").update(`${namespace}\u0000${key}`).digest("base64url").slice(0, 16);
}

import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createCookieSessionStorage } from "@remix-run/node";
import { databasePathFromUrl } from "../db/connection";

/**
 * SESSION_SECRET from the environment, else one generated on first start and kept beside the
 * database, so sessions survive restarts without anyone having to invent a secret.
 */
function sessionSecret(): string {
  const fromEnv = process.env.SESSION_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const dbPath = databasePathFromUrl(process.env.DATABASE_URL);
  const dir = dbPath === ":memory:" ? path.resolve("data") : path.dirname(path.resolve(dbPath));
  const file = path.join(dir, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      // Another process wrote it first: use theirs.
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}

/** Secure cookies in production; COOKIE_SECURE=false allows plain HTTP on a local network. */
const secure =
  process.env.COOKIE_SECURE !== undefined
    ? process.env.COOKIE_SECURE === "true"
    : process.env.NODE_ENV === "production";

export const sessionStorage = createCookieSessionStorage<{ userId: string }>({
  cookie: {
    name: "zhucun_session",
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure,
    secrets: [sessionSecret()],
    maxAge: 60 * 60 * 24 * 14,
  },
});

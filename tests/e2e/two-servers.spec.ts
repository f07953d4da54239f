/**
 * Two app servers on one PostgreSQL (issue 17): nothing the app keeps may live in one process. A
 * card moved through one is on the other's page; a session made on one is valid on the other and
 * ended there for both; a lockout earned on both holds on each; the cookie key the app generated is
 * the same for both. Runs under `npm run test:e2e:pg` (ZHUCUN_PG_URL set by scripts/pg-cluster.ts).
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import {
  browserHeaders,
  postSignIn,
  send,
  signIn,
  startIsolatedServer,
  type IsolatedServer,
} from "./isolated-server";

const admin = process.env.ZHUCUN_PG_URL;
test.skip(!admin, "needs PostgreSQL: npm run test:e2e:pg starts one");
test.describe.configure({ mode: "serial" });

const NAME = "zhucun_two_servers";
let a: IsolatedServer;
let b: IsolatedServer;
let database: pg.Client;

async function adminQuery(query: string) {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await adminQuery(`drop database if exists ${NAME} with (force)`);
  await adminQuery(`create database ${NAME}`);
  const url = new URL(admin!);
  url.pathname = `/${NAME}`;
  // One after the other: the first seeds the demo into the empty database, the second finds it.
  a = await startIsolatedServer("two-servers-a", { databaseUrl: url.toString() });
  b = await startIsolatedServer("two-servers-b", { databaseUrl: url.toString() });
  database = new pg.Client({ connectionString: url.toString() });
  await database.connect();
});

test.afterAll(async () => {
  await database?.end();
  await a?.stop();
  await b?.stop();
  await adminQuery(`drop database if exists ${NAME} with (force)`).catch(() => {});
});

const form = (
  server: IsolatedServer,
  cookie: string,
  path: string,
  fields: Record<string, string>,
) =>
  send(server, {
    method: "POST",
    path,
    headers: [
      ...browserHeaders(cookie),
      ["Origin", server.origin],
      ["Content-Type", "application/x-www-form-urlencoded"],
    ],
    body: new URLSearchParams(fields).toString(),
  });

const page = async (server: IsolatedServer, cookie: string | null, path: string) => {
  const result = await send(server, { method: "GET", path, headers: browserHeaders(cookie) });
  if (result.kind !== "response") throw new Error(`GET ${path}: ${result.code}`);
  return { status: result.status, html: result.body.toString("utf8"), headers: result.headers };
};

test("a card moved through one server is in its new column on the other", async () => {
  const { rows } = await database.query<{ id: string; version: number; column_key: string }>(
    `select c.id, c.version, c.column_key from cards c join villages v on v.id = c.village_id
     where v.name_zh = '魏家村' and c.board = 'project'
       and c.archived_at is null
     order by c.id limit 1`,
  );
  const card = rows[0]!;
  const target = card.column_key === "approved" ? "proposed" : "approved";
  const cookieA = await signIn(a, "weijia");
  const cookieB = await signIn(b, "weijia");
  const selected = (html: string) =>
    /<select[^>]*name="column"[^>]*>(.*?)<\/select>/s
      .exec(html)?.[1]
      ?.match(/<option[^>]*value="([a-z_]+)"[^>]*selected/)?.[1];
  expect(selected((await page(b, cookieB, `/cards/${card.id}`)).html)).toBe(card.column_key);

  const moved = await form(a, cookieA, `/cards/${card.id}`, {
    intent: "move",
    cardId: card.id,
    version: String(card.version),
    column: target,
    place: "bottom",
  });
  expect(moved.kind === "response" && moved.status).toBeLessThan(400);

  const onB = await page(b, cookieB, `/cards/${card.id}`);
  expect(onB.status).toBe(200);
  expect(selected(onB.html)).toBe(target);
  // And B refuses a move made from the version A has overtaken: the version check is shared too.
  const stale = await form(b, cookieB, `/cards/${card.id}`, {
    intent: "move",
    cardId: card.id,
    version: String(card.version),
    column: card.column_key,
    place: "bottom",
  });
  expect(stale.kind === "response" && stale.status).toBe(409);
  const stored = await database.query<{ column_key: string }>(
    "select column_key from cards where id = $1",
    [card.id],
  );
  expect(stored.rows[0]!.column_key).toBe(target);
});

test("a session made on one server is valid on the other, and ended there for both", async () => {
  const cookie = await signIn(a, "xianaling");
  for (const server of [a, b]) {
    const me = await page(server, cookie, "/me");
    expect(me.status, `/me on ${server.origin}`).toBe(200);
  }
  const out = await form(b, cookie, "/logout", {});
  expect(out.kind === "response" && out.status).toBe(302);
  for (const server of [a, b]) {
    const me = await page(server, cookie, "/me");
    expect(me.status, `/me on ${server.origin} after signing out`).toBe(302);
    expect(me.headers.get("location")?.[0]).toMatch(/^\/login/);
  }
});

test("wrong passwords tried on both servers lock the account on each", async () => {
  const attempt = (server: IsolatedServer, password: string) =>
    postSignIn(server, { username: "viewer", password });
  // Five wrong ones in all (the county's default limit), alternating between the servers.
  for (const server of [a, b, a, b, a]) {
    const wrong = await attempt(server, "not-the-password");
    expect(wrong.kind === "response" && wrong.status).not.toBe(302);
  }
  for (const server of [a, b]) {
    const right = await attempt(server, "zhucun-demo");
    expect(right.kind).toBe("response");
    if (right.kind !== "response") continue;
    expect(right.status, `the right password on ${server.origin}`).not.toBe(302);
    expect(right.headers.get("set-cookie")?.join(";") ?? "").not.toMatch(/zhucun_session=[^;]/);
  }
});

test("both servers sign cookies with the one key the app generated and keeps in the database", async () => {
  const { rows } = await database.query<{ n: number }>(
    "select count(*)::int as n from app_secrets where name = 'session'",
  );
  expect(rows[0]!.n).toBe(1);
  // A cookie signed by A is accepted by B (shown above); a cookie signed with another key is not.
  const cookie = await signIn(a, "weijia");
  const [name, value] = cookie.split("=") as [string, string];
  const forged = `${name}=${value.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}`;
  expect((await page(b, forged, "/me")).status).toBe(302);
  expect((await page(b, cookie, "/me")).status).toBe(200);
});

// Starts the built app for end-to-end tests on a new database seeded with the demo data: a SQLite
// file (E2E_DATABASE; its folder is deleted first, so keep nothing else there), or — when
// ZHUCUN_PG_URL names a PostgreSQL server (`npm run test:e2e:pg` starts a throwaway one) — a new
// database there, `zhucun_e2e_<port>`, dropped and made again.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

async function freshDatabaseUrl() {
  const admin = process.env.ZHUCUN_PG_URL;
  if (admin) {
    const name = `zhucun_e2e_${Number(process.env.PORT ?? 3210)}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  }
  const file = path.resolve(process.env.E2E_DATABASE ?? "tests/.artifacts/db/e2e.db");
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

const env = { ...process.env, DATABASE_URL: await freshDatabaseUrl() };

const prepare = spawnSync("npx", ["tsx", "scripts/db-prepare.ts"], { env, stdio: "inherit" });
if (prepare.status !== 0) process.exit(prepare.status ?? 1);

if (process.env.ZHUCUN_PG_URL) {
  // The demo clock the seed stored, for tests/e2e/clock.ts (which cannot query PostgreSQL in step).
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query("select value from county_settings where key = 'demo_clock'");
  await client.end();
  fs.mkdirSync("tests/.artifacts", { recursive: true });
  fs.writeFileSync(
    "tests/.artifacts/pg-e2e-clock.json",
    JSON.stringify({ value: rows[0]?.value ?? null }),
  );
}

const server = spawn("npx", ["tsx", "scripts/server.ts"], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

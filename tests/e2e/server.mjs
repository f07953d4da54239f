// Starts the built app for end-to-end tests on a new database seeded with the demo data.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const file = path.resolve(process.env.E2E_DATABASE ?? "tests/.artifacts/db/e2e.db");
fs.rmSync(path.dirname(file), { recursive: true, force: true });
fs.mkdirSync(path.dirname(file), { recursive: true });
const env = { ...process.env, DATABASE_URL: file };

const prepare = spawnSync("npx", ["tsx", "scripts/db-prepare.ts"], { env, stdio: "inherit" });
if (prepare.status !== 0) process.exit(prepare.status ?? 1);

const server = spawn("npx", ["tsx", "scripts/server.ts"], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

/**
 * The bench's engines (scripts/bench-engines.ts): which ones a command line asks for, and the
 * throwaway PostgreSQL cluster's life — a copy of a SQLite file into a database of its own, CPU
 * counted, and nothing left behind after stop().
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "../../db/connection";
import { databaseUrl, parseEngines, startPostgresBench } from "../../scripts/bench-engines";
import { postgresBin } from "../../scripts/pg-cluster";
import { benchPort } from "../../scripts/server-process";

describe("parseEngines", () => {
  it("measures both engines unless told otherwise", () => {
    expect(parseEngines([], undefined)).toEqual(["sqlite", "postgres"]);
  });

  it("takes --engines as a list and --engine one at a time, in a fixed order", () => {
    expect(parseEngines(["--engines", "postgres,sqlite"], undefined)).toEqual([
      "sqlite",
      "postgres",
    ]);
    expect(parseEngines(["--engine", "postgres"], undefined)).toEqual(["postgres"]);
    expect(parseEngines(["--engine=sqlite"], undefined)).toEqual(["sqlite"]);
    expect(parseEngines(["--engine", "pg", "--engine", "SQLite"], undefined)).toEqual([
      "sqlite",
      "postgres",
    ]);
  });

  it("falls back to BENCH_ENGINES, and the command line wins over it", () => {
    expect(parseEngines([], "sqlite")).toEqual(["sqlite"]);
    expect(parseEngines(["--engines", "postgresql"], "sqlite")).toEqual(["postgres"]);
  });

  it("refuses an unknown engine, an empty list and an unknown option", () => {
    expect(() => parseEngines(["--engines", "mysql"], undefined)).toThrow(/unknown engine "mysql"/);
    expect(() => parseEngines(["--engines", ","], undefined)).toThrow(/names no engine/);
    expect(() => parseEngines(["--engnes", "sqlite"], undefined)).toThrow();
  });
});

describe("databaseUrl and benchPort", () => {
  it("names another database on the same server", () => {
    expect(databaseUrl("postgres://postgres@127.0.0.1:5433/postgres", "bench_demo")).toBe(
      "postgres://postgres@127.0.0.1:5433/bench_demo",
    );
  });

  it("keeps to BENCH_PORTS when it is set, and refuses what is not a range", async () => {
    const port = await benchPort("3510-3519");
    expect(port).toBeGreaterThanOrEqual(3510);
    expect(port).toBeLessThanOrEqual(3519);
    expect(await benchPort(undefined)).toBeGreaterThan(0);
    await expect(benchPort("3510")).rejects.toThrow(/not a range/);
  });
});

describe.skipIf(!postgresBin())("the bench's PostgreSQL cluster", () => {
  it("copies a SQLite file into a database of its own once, counts its CPU, and leaves nothing behind", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-bench-engines-"));
    const file = path.join(dir, "source.db");
    const source = openDatabase(file);
    await migrateToLatest(source);
    await source
      .insertInto("townships")
      .values({
        id: "t1",
        code: "130000001",
        name_zh: "甲乡",
        name_pinyin: "Jiǎ Xiāng",
        kind: "township",
        lat: 41,
        lon: 114,
      })
      .execute();
    await source.destroy();

    const bench = await startPostgresBench();
    let dataDir = "";
    try {
      dataDir = bench.cluster.dataDir;
      const url = await bench.copyOf(file, "unit");
      expect(url).toMatch(/\/bench_unit$/);
      expect(await bench.copyOf(file, "unit")).toBe(url); // made once
      await expect(bench.copyOf(file, "Not-A-Name")).rejects.toThrow(/not a database name/);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ name_zh: string }>("select name_zh from townships");
      await client.end();
      expect(rows).toEqual([{ name_zh: "甲乡" }]);
      expect(bench.cluster.cpuSeconds()).toBeGreaterThan(0);
    } finally {
      bench.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  }, 120_000);
});

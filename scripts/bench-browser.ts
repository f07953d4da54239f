/**
 * The browser's side at province scale: Chromium (/usr/bin/chromium, headless, a 1,280 px desktop
 * at this machine's speed, or BENCH_CPU_SLOWDOWN times slower) opens /villages, /boards/cases, /map and
 * /dashboard signed in as the province's county admin, waits until the page is hydrated and the
 * network is quiet (the map's data and markers included), and reports the long tasks (over
 * 50 ms) the page ran: the longest, and their total. Then a county's case board with 2,000 cards
 * and "show all" (?all=1): the time until it is interactive (hydrated).
 *
 *   npx tsx scripts/bench-browser.ts [--json out.json]
 *   npx tsx scripts/bench-browser.ts --only /boards/cases --province p.db --board b.db   # one part,
 *     on databases kept from an earlier run (made there if missing)
 *
 * Used by scripts/bench.ts (budget: no long task over 200 ms; the 2,000-card board interactive
 * in ≤ 3 s).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { makeBenchDatabase, startBenchServer } from "./bench-pages";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** This machine's own speed (BENCH_CPU_SLOWDOWN=4 for an old office PC). */
const CPU_SLOWDOWN = Number(process.env.BENCH_CPU_SLOWDOWN ?? 1);

export interface BrowserFigure {
  url: string;
  hydratedMs: number;
  longestTaskMs: number;
  longTasksMs: number;
  longTasks: number;
  elements: number;
}

async function measure(
  file: string,
  account: string,
  urls: string[],
  cpuSlowdown: number,
): Promise<BrowserFigure[]> {
  const server = await startBenchServer(file);
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "zh-CN",
    });
    await context.addCookies([
      { name: "zhucun_session", value: await server.session(account), url: server.origin },
    ]);
    // A phone or PC has its fonts open already; a fresh headless Chromium here spends 200–300 ms
    // opening fontconfig and the Noto CJK files in its first layout (see bench-lighthouse.ts).
    const warm = await context.newPage();
    await warm.setContent("<p>驻村工作台 Zhucun 村庄 看板 1,234</p><p><b>魏家村</b></p>");
    await warm.close();
    const figures: BrowserFigure[] = [];
    for (const url of urls) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuSlowdown });
      await page.addInitScript(() => {
        const tasks: number[] = [];
        (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) tasks.push(entry.duration);
        }).observe({ type: "longtask", buffered: true });
      });
      const started = Date.now();
      await page.goto(server.origin + url, { waitUntil: "load", timeout: 180_000 });
      await page.waitForSelector("html[data-hydrated]", { timeout: 180_000 });
      const hydratedMs = Date.now() - started;
      await page.waitForLoadState("networkidle", { timeout: 120_000 });
      await page.waitForTimeout(1500);
      const { tasks, elements } = await page.evaluate(() => ({
        tasks: (window as unknown as { __longTasks: number[] }).__longTasks,
        elements: document.getElementsByTagName("*").length,
      }));
      figures.push({
        url,
        hydratedMs,
        longestTaskMs: Math.max(0, ...tasks),
        longTasksMs: tasks.reduce((sum, t) => sum + t, 0),
        longTasks: tasks.length,
        elements,
      });
      await page.close();
    }
    return figures;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** The demo topped up to 2,000 case cards (scripts/bench-board.ts does it, and times moves). */
export async function boardDatabase(dir: string) {
  const file = await makeBenchDatabase("demo", fs.mkdtempSync(path.join(dir, "board-")));
  execFileSync("npx", ["tsx", "scripts/bench-board.ts"], {
    env: { ...process.env, DATABASE_URL: file, NODE_ENV: "production", BENCH_RUNS: "3" },
    stdio: "ignore",
  });
  return file;
}

/** The province's pages, and the 2,000-card county board (its own database, bench-board's). */
export async function measureBrowser(
  dir: string,
  boardFile: string,
  options: { only?: string; provinceFile?: string } = {},
) {
  const urls = ["/villages", "/boards/cases", "/map", "/dashboard"].filter(
    (u) => !options.only || u === options.only,
  );
  const province = urls.length
    ? await measure(
        options.provinceFile ?? (await makeBenchDatabase("province", dir)),
        "province-county",
        urls,
        CPU_SLOWDOWN,
      )
    : [];
  const [board] =
    !options.only || options.only === "/boards/cases?all=1"
      ? await measure(boardFile, "county", ["/boards/cases?all=1"], CPU_SLOWDOWN)
      : [];
  return { province, board };
}

if (process.argv[1]?.endsWith("bench-browser.ts")) {
  const { values } = parseArgs({
    options: {
      json: { type: "string" },
      /** One page: /villages, /boards/cases, /map, /dashboard or /boards/cases?all=1. */
      only: { type: "string" },
      /** Database files to reuse (made on the first run if missing). */
      province: { type: "string" },
      board: { type: "string" },
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-bench-browser-"));
  const kept = async (file: string | undefined, make: () => Promise<string>) => {
    if (!file) return make();
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      fs.copyFileSync(await make(), file);
    }
    return path.resolve(file);
  };
  const needsBoard = !values.only || values.only === "/boards/cases?all=1";
  const needsProvince = values.only !== "/boards/cases?all=1";
  const boardFile = needsBoard ? await kept(values.board, () => boardDatabase(dir)) : "";
  const provinceFile = needsProvince
    ? await kept(values.province, () => makeBenchDatabase("province", dir))
    : undefined;
  const result = await measureBrowser(dir, boardFile, { only: values.only, provinceFile });
  for (const f of [...result.province, ...(result.board ? [result.board] : [])]) {
    console.log(
      `${f.url.padEnd(24)} hydrated ${String(f.hydratedMs).padStart(6)} ms, longest task ${f.longestTaskMs.toFixed(0).padStart(5)} ms, ${f.longTasks} long tasks (${f.longTasksMs.toFixed(0)} ms), ${f.elements} elements`,
    );
  }
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 1));
}

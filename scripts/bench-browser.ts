/**
 * The browser's side at province scale: Chromium (/usr/bin/chromium, headless, a 1,280 px desktop
 * at this machine's speed, or BENCH_CPU_SLOWDOWN times slower) opens /villages, /boards/cases, /map and
 * /dashboard signed in as the province's county admin, waits until the page is hydrated and the
 * network is quiet (the map's data and markers included), and reports the long tasks (over
 * 50 ms) the page ran: the longest, and their total. Then a county's case board with 2,000 cards
 * and "show all" (?all=1): the time until it is interactive (hydrated).
 *
 *   npx tsx scripts/bench-browser.ts [--json out.json]
 *   npx tsx scripts/bench-browser.ts --pages /villages,/map [--runs 3] [--database province.db]
 *                                    [--trace dir]
 * --pages measures only those province pages (not the 2,000-card board), --runs each that many
 * times (median and range of the longest task), --database reuses a province database made
 * earlier (the file is not changed; made once, then kept beside it, when it does not exist),
 * --trace writes a Chromium trace of each page's last run, for the Performance panel.
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
  traceDir?: string,
): Promise<BrowserFigure[]> {
  const server = await startBenchServer(file);
  // One renderer process for every tab, as scripts/bench-lighthouse.ts: a renderer loads its fonts
  // itself, and Chromium gives the warm-up's page a process of its own, so without this each
  // measured page paid for opening the Noto CJK fonts (100–300 ms) in its first layouts again.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--renderer-process-limit=1", "--disable-site-isolation-trials"],
  });
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
      if (traceDir) await browser.startTracing(page, { screenshots: false });
      const started = Date.now();
      await page.goto(server.origin + url, { waitUntil: "load", timeout: 180_000 });
      // Polled with a one-line expression: Playwright's waitForSelector first injects its selector
      // engine (330 KB of script, 50–200 ms of the page's main thread), which the page's long-task
      // observer counted as the page's own.
      for (let waited = 0; ; waited += 50) {
        const { result } = await cdp.send("Runtime.evaluate", {
          expression: "document.documentElement.hasAttribute('data-hydrated')",
        });
        if (result.value === true) break;
        if (waited > 180_000) throw new Error(`${url}: not hydrated after 180 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const hydratedMs = Date.now() - started;
      await page.waitForLoadState("networkidle", { timeout: 120_000 });
      await page.waitForTimeout(1500);
      if (traceDir) {
        const trace = await browser.stopTracing();
        fs.mkdirSync(traceDir, { recursive: true });
        fs.writeFileSync(path.join(traceDir, `${url.replace(/\W+/g, "_")}.trace.json`), trace);
      }
      const { result } = await cdp.send("Runtime.evaluate", {
        expression:
          "({ tasks: window.__longTasks, elements: document.getElementsByTagName('*').length })",
        returnByValue: true,
      });
      const { tasks, elements } = result.value as { tasks: number[]; elements: number };
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
      pages: { type: "string" },
      runs: { type: "string", default: "1" },
      database: { type: "string" },
      trace: { type: "string" },
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-bench-browser-"));
  const show = (f: BrowserFigure, extra = "") =>
    console.log(
      `${f.url.padEnd(24)} hydrated ${String(f.hydratedMs).padStart(6)} ms, longest task ${f.longestTaskMs.toFixed(0).padStart(5)} ms${extra}, ${f.longTasks} long tasks (${f.longTasksMs.toFixed(0)} ms), ${f.elements} elements`,
    );
  if (values.pages) {
    // Some province pages only, each --runs times.
    let file = values.database;
    if (!file) file = await makeBenchDatabase("province", dir);
    else if (!fs.existsSync(file)) {
      fs.copyFileSync(await makeBenchDatabase("province", dir), file);
    }
    // The server writes (sessions, WAL): it works on a copy, so the kept file stays as made.
    const copy = path.join(dir, "province.db");
    if (path.resolve(copy) !== path.resolve(file)) fs.copyFileSync(file, copy);
    const urls = values.pages.split(",").map((u) => u.trim());
    const runs: BrowserFigure[][] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      runs.push(await measure(copy, "province-county", urls, CPU_SLOWDOWN, values.trace));
    }
    const result = urls.map((url, i) => {
      const all = runs.map((r) => r[i]!);
      const longest = all.map((f) => f.longestTaskMs).sort((a, b) => a - b);
      const median = longest[Math.floor(longest.length / 2)]!;
      const medianRun = all.find((f) => f.longestTaskMs === median)!;
      show(
        medianRun,
        all.length > 1
          ? ` (median of ${all.length}; ${longest.map((x) => x.toFixed(0)).join(" / ")})`
          : "",
      );
      return { url, runs: all };
    });
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 1));
  } else {
    const result = await measureBrowser(dir, await boardDatabase(dir));
    for (const f of [...result.province, ...(result.board ? [result.board] : [])]) show(f);
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 1));
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The browser's side at province scale: Chromium (/usr/bin/chromium, headless, a 1,280 px desktop
 * at this machine's speed, or BENCH_CPU_SLOWDOWN times slower) opens /villages, /boards/cases, /map and
 * /dashboard signed in as the province's county admin, waits until the page is hydrated and the
 * network is quiet (the map's data and markers included), and reports the long tasks (over
 * 50 ms) the page ran: the longest, and their total, by wall time (the page's own long-task
 * observer) and by the main thread's own CPU time (a trace of every page, scripts/bench-trace.ts:
 * on a shared machine a task's wall time also counts its wait for a core). Then a county's case
 * board with 2,000 cards and "show all" (?all=1): the time until it is interactive (hydrated, every
 * card drawn).
 *
 *   npx tsx scripts/bench-browser.ts [--json out.json]
 *   npx tsx scripts/bench-browser.ts --pages /villages,/map [--runs 3] [--database province.db]
 *                                    [--trace dir]
 *   npx tsx scripts/bench-browser.ts --board [--runs 3] [--database board.db] [--trace dir]
 * --pages measures only those province pages (not the 2,000-card board), --board only the
 * 2,000-card board; --runs each that many times (median and range of the longest task, or of the
 * time to interactive), --database reuses a province (or board) database made
 * earlier (the file is not changed; made once, then kept beside it, when it does not exist),
 * --trace writes the Chromium trace of each page's last run to a folder, for the Performance panel.
 *
 * Used by scripts/bench.ts (budget: no long task over 200 ms of the main thread's time; the
 * 2,000-card board interactive in ≤ 3 s).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { makeBenchDatabase, startBenchServer } from "./bench-pages";
import { TRACE_CATEGORIES, mainThreadTasks } from "./bench-trace";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** This machine's own speed (BENCH_CPU_SLOWDOWN=4 for an old office PC). */
const CPU_SLOWDOWN = Number(process.env.BENCH_CPU_SLOWDOWN ?? 1);

export interface BrowserFigure {
  url: string;
  hydratedMs: number;
  longestTaskMs: number;
  longTasksMs: number;
  longTasks: number;
  /** The same by the main thread's own time (a trace): the longest, and tasks over 50 ms. */
  longestTaskCpuMs: number;
  longTasksCpuMs: number;
  longTasksCpu: number;
  /** The main thread's time in all, from the first byte asked for to the end. */
  mainThreadCpuMs: number;
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
      await browser.startTracing(page, { screenshots: false, categories: TRACE_CATEGORIES });
      const started = Date.now();
      await page.goto(server.origin + url, { waitUntil: "load", timeout: 180_000 });
      // Polled with a one-line expression: Playwright's waitForSelector first injects its selector
      // engine (330 KB of script, 50–200 ms of the page's main thread), which the page's long-task
      // observer counted as the page's own.
      for (let waited = 0; ; waited += 50) {
        const { result } = await cdp.send("Runtime.evaluate", {
          // Hydrated, and a board shown whole has drawn its every card (it draws each column's
          // first in the page, the rest after hydration: components/board.tsx).
          expression:
            "document.documentElement.hasAttribute('data-hydrated') && !document.querySelector('[data-drawing]')",
        });
        if (result.value === true) break;
        if (waited > 180_000) throw new Error(`${url}: not hydrated after 180 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const hydratedMs = Date.now() - started;
      await page.waitForLoadState("networkidle", { timeout: 120_000 });
      await page.waitForTimeout(1500);
      const trace = await browser.stopTracing();
      if (traceDir) {
        fs.mkdirSync(traceDir, { recursive: true });
        fs.writeFileSync(path.join(traceDir, `${url.replace(/\W+/g, "_")}.trace.json`), trace);
      }
      const cpu = mainThreadTasks(JSON.parse(trace.toString("utf8")));
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
        longestTaskCpuMs: cpu.longestCpuMs,
        longTasksCpuMs: cpu.longTasksCpuMs,
        longTasksCpu: cpu.longTasksCpu,
        mainThreadCpuMs: cpu.mainThreadCpuMs,
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
      board: { type: "boolean", default: false },
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhucun-bench-browser-"));
  const show = (f: BrowserFigure, extra = "") =>
    console.log(
      `${f.url.padEnd(24)} hydrated ${String(f.hydratedMs).padStart(6)} ms, longest task ${f.longestTaskCpuMs.toFixed(0).padStart(5)} ms CPU${extra} (${f.longestTaskMs.toFixed(0)} ms wall), ${f.longTasksCpu} long tasks (${f.longTasksCpuMs.toFixed(0)} ms CPU; ${f.longTasks}, ${f.longTasksMs.toFixed(0)} ms wall), main thread ${f.mainThreadCpuMs.toFixed(0)} ms CPU, ${f.elements} elements, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
  if (values.pages || values.board) {
    // Some province pages only, or the 2,000-card board only, each --runs times.
    const make = () => (values.board ? boardDatabase(dir) : makeBenchDatabase("province", dir));
    let file = values.database;
    if (!file) file = await make();
    else if (!fs.existsSync(file)) {
      fs.copyFileSync(await make(), file);
    }
    // The server writes (sessions, WAL): it works on a copy, so the kept file stays as made.
    const copy = path.join(dir, "measured.db");
    if (path.resolve(copy) !== path.resolve(file)) fs.copyFileSync(file, copy);
    const urls = values.board
      ? ["/boards/cases?all=1"]
      : values.pages!.split(",").map((u) => u.trim());
    const account = values.board ? "county" : "province-county";
    const runs: BrowserFigure[][] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      runs.push(await measure(copy, account, urls, CPU_SLOWDOWN, values.trace));
    }
    const figure = (f: BrowserFigure) => (values.board ? f.hydratedMs : f.longestTaskCpuMs);
    const result = urls.map((url, i) => {
      const all = runs.map((r) => r[i]!);
      const sorted = all.map(figure).sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      const medianRun = all.find((f) => figure(f) === median)!;
      show(
        medianRun,
        all.length > 1
          ? ` (median of ${all.length}${values.board ? " by time to interactive" : ""}; ${sorted.map((x) => x.toFixed(0)).join(" / ")})`
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

/**
 * What one card move sends and receives with JavaScript (issue 18: "a card move reloads only what
 * changed"): signs in, opens a board, moves its first card one column right with "移动到…", and
 * lists every request from the click until the network has been quiet for two seconds, with the
 * bytes each took on the wire (gzip as served), then what reloading the page's data costs, for
 * comparison. Against a running server (it moves a card there):
 *
 *   MOVE_URL=http://localhost:3522 npx tsx scripts/bench-move.ts [/boards/cases] [username]
 */
import { chromium } from "@playwright/test";

const base = process.env.MOVE_URL ?? "http://localhost:3210";
const path = process.argv[2] ?? "/boards/cases";
const username = process.argv[3] ?? "county";
const password = process.env.MOVE_PASSWORD ?? "zhucun-demo";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});
try {
  const page = await browser.newPage({ locale: "zh-CN", serviceWorkers: "block" });
  await page.goto(`${base}/login`);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(`${base}${path}`);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });

  const card = page.locator("li.board-card").first();
  const title = (await card.locator("a").first().textContent())?.trim();
  await card.getByText("移动到…").click();
  const select = card.getByLabel("栏目");
  const options = await select.locator("option").evaluateAll((els) =>
    els.map((el) => ({
      value: (el as HTMLOptionElement).value,
      selected: (el as HTMLOptionElement).selected,
    })),
  );
  const current = options.findIndex((o) => o.selected);
  const next = options[(current + 1) % options.length]!.value;
  await select.selectOption(next);

  // Bytes on the wire as Chromium counts them (headers and gzip body): a single-fetch POST is
  // reported aborted to the page once its stream is read, so Playwright's sizes miss it.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const sent = new Map<string, { method: string; url: string; bytes?: number }>();
  cdp.on("Network.requestWillBeSent", (e) =>
    sent.set(e.requestId, { method: e.request.method, url: e.request.url }),
  );
  // What arrived: the response's head, then each piece of its body (a streamed answer may be
  // counted in pieces only); the finished total when Chromium gives one.
  const received = new Map<string, number>();
  const add = (id: string, bytes: number) => received.set(id, (received.get(id) ?? 0) + bytes);
  cdp.on("Network.responseReceived", (e) => add(e.requestId, e.response.encodedDataLength));
  cdp.on("Network.dataReceived", (e) => add(e.requestId, e.encodedDataLength));
  const done = (e: { requestId: string; encodedDataLength?: number }) => {
    const r = sent.get(e.requestId);
    if (r) r.bytes = Math.max(e.encodedDataLength ?? 0, received.get(e.requestId) ?? 0);
  };
  cdp.on("Network.loadingFinished", done);
  cdp.on("Network.loadingFailed", (e) => done({ requestId: e.requestId }));
  await card.getByRole("button", { name: "移动" }).click();
  // Until no request has started or ended for two seconds.
  const state = () => [...sent.values()].map((r) => `${r.url}:${r.bytes}`).join();
  let seen = "";
  while (seen !== state()) {
    seen = state();
    await page.waitForTimeout(2000);
  }
  let total = 0;
  console.log(`Moved "${title}" to ${next} on ${path} (${base}):`);
  for (const r of sent.values()) {
    total += r.bytes ?? 0;
    const url = new URL(r.url);
    console.log(
      `  ${r.method.padEnd(4)} ${(url.pathname + url.search).slice(0, 80).padEnd(80)} ${String(r.bytes ?? "?").padStart(8)} B`,
    );
  }
  console.log(`  ${sent.size} requests, ${total} B (${(total / 1024).toFixed(1)} KiB) on the wire`);

  // For comparison: what reloading every loader of the page costs (as Remix did after each move
  // before issue 18), asked for the way Remix asks.
  sent.clear();
  await page.evaluate((url) => fetch(url).then((r) => r.text()), `${path}.data`);
  await page.waitForTimeout(500);
  const reload = [...sent.values()][0];
  console.log(`  (the page's data reloaded: ${reload?.bytes ?? "?"} B on the wire)`);
} finally {
  await browser.close();
}

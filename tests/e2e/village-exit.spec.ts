/**
 * A village's exit procedure across the team, township and county accounts (issue 19): the
 * township opens the notice and takes an objection, the team proposes again with a photo, the
 * township reviews and opens a new notice, a leader of another township cannot even see it, and the
 * county announces the exit once the notice has run — the dashboard's counts and the village's
 * status following each step. On a server of its own: the steps change what other specs see.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import sharp from "sharp";
import {
  openDatabase,
  signedInContext,
  startIsolatedServer,
  type IsolatedServer,
} from "./isolated-server";
import { businessDay } from "./clock";
import { waitForHydration } from "./fixtures";

let server: IsolatedServer;

test.describe.configure({ mode: "default" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startIsolatedServer("village-exit");
});

test.afterAll(async () => {
  await server?.stop();
});

async function pageFor(browser: Browser, username: string) {
  return (await signedInContext(browser, server, username)).newPage();
}

/** The server's business date (the demo's own calendar), `days` before today. */
function daysAgo(days: number) {
  return businessDay(-days, server.databaseFile);
}

/** Records a step with the form whose button says "确认<step>". */
async function record(
  page: Page,
  step: string,
  date: string,
  note?: { label: string; text: string },
) {
  const form = page.locator("form", { has: page.getByRole("button", { name: `确认${step}` }) });
  await form.getByLabel("办理日期").fill(date);
  if (note) await form.getByLabel(note.label).fill(note.text);
  await form.getByRole("button", { name: `确认${step}` }).click();
  await expect(page.getByRole("status")).toHaveText("已保存。");
}

/** The count behind one of the dashboard's exit-procedure figures. */
async function waiting(page: Page, label: string) {
  await page.goto("/dashboard");
  const stat = page
    .getByRole("region", { name: "出列程序" })
    .locator("div", { has: page.getByText(label, { exact: true }) });
  return Number(await stat.getByRole("link").innerText());
}

test("a village goes from proposal to announcement across the team, township and county", async ({
  browser,
}) => {
  // Four accounts, a dozen pages and saves: more than the default 30 s on a busy CI machine.
  test.setTimeout(120_000);
  const database = openDatabase(server);
  const { id } = database.prepare("select id from villages where name_zh = '魏家村'").get() as {
    id: string;
  };
  database.close();
  const exitPage = `/villages/${id}/plan/exit`;
  const day = daysAgo(9);
  const badge = (page: Page) => page.getByRole("heading", { name: /贫困村出列程序/ });

  // The county's view before: how many villages wait for its decision.
  const county = await pageFor(browser, "county");
  const decisionBefore = await waiting(county, "公示期满，等待县里审定");

  // 魏家村 has been reviewed by its township: the township leader opens the notice from the plan.
  const township = await pageFor(browser, "daqinggou");
  await township.goto(`/villages/${id}/plan`);
  await township.getByRole("link", { name: "办理出列程序" }).click();
  await expect(township).toHaveURL(exitPage);
  await waitForHydration(township);
  await record(township, "乡镇公示", day);
  // An objection during the notice ends the round, with its reason.
  await township.getByText("记录公示期间的异议（结束本轮）").click();
  await record(township, "公示有异议", day, {
    label: "异议内容（必填）",
    text: "有村民反映一户收入核算有误",
  });
  await expect(badge(township)).toContainText("未出列");

  // The team proposes again, with a photo of its self-check as evidence.
  const team = await pageFor(browser, "weijia");
  await team.goto(exitPage);
  await waitForHydration(team);
  const photo = await sharp({
    create: { width: 800, height: 600, channels: 3, background: "#c33" },
  })
    .jpeg()
    .toBuffer();
  await team
    .getByLabel(/佐证材料/)
    .setInputFiles({ name: "自查表.jpg", mimeType: "image/jpeg", buffer: photo });
  await record(team, "工作队申请出列", day, {
    label: "说明（可选）",
    text: "收入重新核实后再次申请",
  });
  await expect(badge(team)).toContainText("出列程序中");
  await expect(team.getByRole("img", { name: "自查表.jpg" })).toBeVisible();
  // The team cannot review its own proposal: it is told whose step is next.
  await expect(team.getByText("下一步：乡镇审核，由相应的账号办理。")).toBeVisible();
  const download = await team.request.get(
    (await team.getByRole("link", { name: /自查表\.jpg/ }).getAttribute("href"))!,
  );
  expect(download.headers()["content-disposition"]).toContain("attachment");
  expect((await download.body()).byteLength).toBe(photo.byteLength);

  // The township reviews and opens the notice; a leader of another township cannot see any of it.
  await township.reload();
  await waitForHydration(township);
  await record(township, "乡镇审核", day);
  await record(township, "乡镇公示", day);
  const other = await pageFor(browser, "xiaosuangou");
  expect((await other.goto(exitPage))?.status()).toBe(404);
  const forged = await other.request.post(exitPage, {
    headers: { Origin: server.origin },
    multipart: { intent: "step", step: "announcement", after: "none", doneOn: daysAgo(0) },
  });
  expect(forged.status()).toBe(404);

  // The notice has run: the county sees the village waiting for it, and announces the exit.
  expect(await waiting(county, "公示期满，等待县里审定")).toBe(decisionBefore + 1);
  await county.goto(exitPage);
  await waitForHydration(county);
  await record(county, "县审定公告", daysAgo(0));
  await expect(badge(county)).toContainText("已出列");
  await expect(county.getByText(/已于 \d{4} 年公告出列/)).toBeVisible();
  expect(await waiting(county, "公示期满，等待县里审定")).toBe(decisionBefore);
  // The list shows it exited, and so does the map's data (its marker's colour).
  await county.goto("/villages?status=exited&q=魏家村");
  await expect(county.getByRole("link", { name: "魏家村" }).first()).toBeVisible();
  const map = (await (await county.request.get("/map/villages.json")).json()) as {
    v: { id: string[]; status: number[] };
  };
  const statuses = ["not_exited", "exit_ready", "exited", "consolidating"];
  expect(statuses[map.v.status[map.v.id.indexOf(id)]!]).toBe("exited");
});

test("a file over 10 MB is refused with a message the page shows", async ({ browser }) => {
  const database = openDatabase(server);
  const { id } = database.prepare("select id from villages where name_zh = '下纳岭村'").get() as {
    id: string;
  };
  database.close();
  const county = await pageFor(browser, "county");
  await county.goto(`/villages/${id}/plan/exit`);
  await waitForHydration(county);
  await county.getByLabel(/佐证材料/).setInputFiles({
    name: "大照片.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.alloc(11 * 1024 * 1024, 0xff),
  });
  await county.getByRole("button", { name: "确认工作队申请出列" }).click();
  await expect(county.getByRole("alert").filter({ hasText: "文件太大" })).toHaveText(
    "文件太大：每个文件不超过 10 MB。",
  );
});

/**
 * Draws the installed app's icons from public/favicon.svg (run once; the PNGs are committed):
 * 192 and 512 px as they are, a 512 px maskable one (the mark inside the 80 % safe circle on the
 * header's red, which the launcher may crop to any shape) and the 180 px home-screen icon iOS
 * takes. Chromium draws the SVG and Playwright takes the screenshot.
 *
 *   tsx scripts/make-icons.ts
 */
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "..");
const svg = fs.readFileSync(path.join(root, "public/favicon.svg"), "utf8");
const RED = "#b3261e";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The page each icon is drawn from: the SVG at `mark` px, centred on a `size` px square. */
function html(size: number, mark: number, background: string) {
  const image = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
  return (
    `<!doctype html><html><body style="margin:0;width:${size}px;height:${size}px;background:${background};display:grid;place-items:center">` +
    `<img src="${image}" width="${mark}" height="${mark}" alt=""></body></html>`
  );
}

const ICONS = [
  // As the favicon: its rounded square fills the icon, corners transparent.
  { file: "icon-192.png", size: 192, mark: 192, background: "transparent" },
  { file: "icon-512.png", size: 512, mark: 512, background: "transparent" },
  // Maskable: a full bleed of red, the mark within the central 80 % (the safe zone).
  { file: "icon-maskable-512.png", size: 512, mark: 400, background: RED },
  // iOS rounds the corners itself and shows transparency as black: full bleed.
  { file: "apple-touch-icon.png", size: 180, mark: 200, background: RED },
];

const browser = await chromium.launch({
  executablePath: fs.existsSync(CHROMIUM) ? CHROMIUM : undefined,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  for (const icon of ICONS) {
    const page = await browser.newPage({
      viewport: { width: icon.size, height: icon.size },
      deviceScaleFactor: 1,
    });
    await page.setContent(html(icon.size, icon.mark, icon.background));
    await page.locator("img").evaluate((img: HTMLImageElement) => img.decode());
    const out = path.join(root, "public/icons", icon.file);
    await page.screenshot({ path: out, omitBackground: icon.background === "transparent" });
    await page.close();
    console.log(`public/icons/${icon.file} (${icon.size} px)`);
  }
} finally {
  await browser.close();
}

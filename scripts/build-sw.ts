/**
 * Builds the service worker (decision 019): bundles app/sw/service-worker.ts with esbuild into
 * public/sw.js, with the precache manifest of this build (every file remix build wrote to
 * public/build, the public files the app shell needs, both catalogues) and the offline texts of
 * both catalogues put in. Runs after `remix build` (`npm run build`).
 *
 *   tsx scripts/build-sw.ts
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { LOCALES, type Locale } from "~/i18n";
import { catalogueFile, catalogues } from "~/i18n/catalogues.server";
import type { OfflineTexts } from "~/sw/offline-page";

const root = path.resolve(import.meta.dirname, "..");
const publicDir = path.join(root, "public");
const buildDir = path.join(publicDir, "build");
const outfile = path.join(publicDir, "sw.js");

/** Files of public/ (outside build/) the shell needs offline: the icons and the manifest. */
const PUBLIC_FILES = /^(favicon\.svg|manifest\.webmanifest|icons\/[\w-]+\.png)$/;
/** remix build names its files by their content (`root-UNLFYHUO.js`): no revision needed. */
const HASHED = /-[A-Z0-9]{8}\.\w+$/;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const revision = (file: string) =>
  createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 16);

const toUrl = (file: string) => "/" + path.relative(publicDir, file).split(path.sep).join("/");

export function precacheManifest(): { url: string; revision: string | null }[] {
  const built = filesUnder(buildDir).filter((file) => !file.endsWith(".map"));
  if (!built.some((file) => /manifest-[A-Z0-9]+\.js$/.test(file))) {
    throw new Error("public/build has no Remix manifest: run `remix build` first");
  }
  const shell = filesUnder(publicDir).filter(
    (file) => !file.startsWith(buildDir + path.sep) && PUBLIC_FILES.test(toUrl(file).slice(1)),
  );
  return [
    ...built.map((file) => ({
      url: toUrl(file),
      revision: HASHED.test(file) ? null : revision(file),
    })),
    ...shell.map((file) => ({ url: toUrl(file), revision: revision(file) })),
    // Named by their content's hash, like the build's files.
    ...LOCALES.map((locale) => ({ url: `/i18n/${catalogueFile(locale).name}`, revision: null })),
  ].sort((a, b) => a.url.localeCompare(b.url));
}

function offlineTexts(): OfflineTexts {
  const texts = (locale: Locale) => {
    const c = catalogues[locale];
    return {
      banner: c["offline.banner"],
      refreshing: c["offline.refreshing"],
      title: c["offline.fallback.title"],
      body: c["offline.fallback.body"],
      retry: c["offline.fallback.retry"],
      home: c["offline.fallback.home"],
    };
  };
  return { "zh-CN": texts("zh-CN"), en: texts("en") };
}

async function main() {
  const started = performance.now();
  const manifest = precacheManifest();
  const result = await build({
    entryPoints: [path.join(root, "app/sw/service-worker.ts")],
    tsconfig: path.join(root, "app/sw/tsconfig.json"),
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    legalComments: "none",
    outfile,
    write: true,
    metafile: true,
    define: {
      __PRECACHE_MANIFEST__: JSON.stringify(manifest),
      __OFFLINE_TEXTS__: JSON.stringify(offlineTexts()),
      // Workbox logs only in development builds.
      "process.env.NODE_ENV": JSON.stringify("production"),
    },
  });
  const bytes = result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes;
  console.log(
    `[build-sw] public/sw.js: ${manifest.length} files precached, ${Math.round((bytes ?? fs.statSync(outfile).size) / 1024)} KiB, ${Math.round(performance.now() - started)} ms`,
  );
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("build-sw.ts")) {
  await main();
}

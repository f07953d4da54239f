/**
 * First-load JavaScript of every page (gzip), from a production build: the entry, root, and the
 * route with its parents, each with its static imports, as the Remix manifest lists them. Part of
 * `npm run bench`; run alone after `npm run build`:
 *
 *   npx tsx scripts/bench-js.ts              # every page, largest first; exits 1 over budget
 *   npx tsx scripts/bench-js.ts --modules    # and what each chunk is made of, by package
 *
 * What a chunk is made of comes from build/metafile.js.json (written by the build): esbuild says
 * how many bytes each input left in the chunk; a package's share of the chunk's gzip size is its
 * share of those bytes (gzip does not compress each input alone, so this is an estimate).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const KiB = 1024;
/** Every page's budget; /map has its own, tighter one (Leaflet comes after hydration). */
export const FIRST_LOAD_BUDGET = 110 * KiB;
export const pageBudget = (id: string) =>
  id === "routes/_app.map" ? 100 * KiB : FIRST_LOAD_BUDGET;

type ManifestRoute = { module: string; imports?: string[]; parentId?: string };
type Manifest = {
  entry: { module: string; imports?: string[] };
  routes: Record<string, ManifestRoute>;
};

export function readManifest(): Manifest {
  const file = fs.readdirSync("public/build").find((f) => /^manifest-.*\.js$/.test(f));
  if (!file) throw new Error("No build found: run `npm run build` first.");
  const source = fs.readFileSync(path.join("public/build", file), "utf8");
  return JSON.parse(source.replace(/^window\.__remixManifest=/, "").replace(/;$/, "")) as Manifest;
}

const gzipCache = new Map<string, number>();
/** Gzip size of a built file, by its URL (`/build/...`). */
export function gzipOf(url: string): number {
  let size = gzipCache.get(url);
  if (size === undefined) {
    size = gzipSync(fs.readFileSync(path.join("public", url))).length;
    gzipCache.set(url, size);
  }
  return size;
}

/** The files a page loads before it is interactive: entry, then each route up to root. */
export function firstLoadFiles(manifest: Manifest, routeId: string): Set<string> {
  const files = new Set<string>([manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  for (let at: string | undefined = routeId; at; at = manifest.routes[at]?.parentId) {
    const route = manifest.routes[at]!;
    files.add(route.module);
    for (const f of route.imports ?? []) files.add(f);
  }
  return files;
}

/** The pages: every route under the signed-in layout, and the sign-in page. */
export function firstLoadJs(manifest = readManifest()) {
  return Object.keys(manifest.routes)
    .filter((id) => id.startsWith("routes/_app.") || id === "routes/login")
    .map((id) => {
      const files = firstLoadFiles(manifest, id);
      return { id, bytes: [...files].reduce((sum, f) => sum + gzipOf(f), 0), files };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

/** `node_modules/@scope/name/...` → `@scope/name`; `app/components/x.tsx` → `app/components`. */
function packageOf(input: string): string {
  const nm = input.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = input.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (input.startsWith("app/routes/")) return input;
  const dir = path.dirname(input);
  return dir === "." ? input : dir;
}

type Metafile = {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
};

/** A chunk's gzip size shared out over the packages (or app folders) it holds. */
export function chunkMakeup(url: string, metafile: Metafile) {
  const output = metafile.outputs[`public${url}`];
  const total = gzipOf(url);
  if (!output) return [];
  const raw = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageOf(input);
    raw.set(pkg, (raw.get(pkg) ?? 0) + bytesInOutput);
  }
  const sum = [...raw.values()].reduce((a, b) => a + b, 0) || 1;
  return [...raw]
    .map(([pkg, bytes]) => ({ pkg, gzip: (total * bytes) / sum }))
    .filter((p) => p.gzip >= 50)
    .sort((a, b) => b.gzip - a.gzip);
}

const kib = (bytes: number) => `${(bytes / KiB).toFixed(1)} KiB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = readManifest();
  const pages = firstLoadJs(manifest);
  console.log("First-load JavaScript of every page (gzip):");
  for (const { id, bytes } of pages) {
    const over = bytes > pageBudget(id);
    console.log(
      `${over ? "✗" : " "} ${id.replace("routes/", "").padEnd(56)} ${kib(bytes).padStart(10)}`,
    );
  }
  const over = pages.filter((p) => p.bytes > pageBudget(p.id));
  console.log(`\n${over.length} of ${pages.length} pages over budget (110 KiB; /map 100 KiB)`);

  if (process.argv.includes("--modules")) {
    const metafile = JSON.parse(fs.readFileSync("build/metafile.js.json", "utf8")) as Metafile;
    // Files every page loads, then each route's own, each listed once.
    const shared = [
      ...pages.reduce(
        (common, p) => new Set([...common].filter((f) => p.files.has(f))),
        pages[0]!.files,
      ),
    ];
    const show = (url: string) => {
      console.log(`\n${url}  ${kib(gzipOf(url))}`);
      for (const { pkg, gzip } of chunkMakeup(url, metafile))
        console.log(`    ${pkg.padEnd(58)} ${kib(gzip).padStart(10)}`);
    };
    console.log("\n== Loaded by every page ==");
    shared.forEach(show);
    console.log("\n== Loaded by some pages ==");
    const seen = new Set(shared);
    for (const p of pages)
      for (const f of p.files)
        if (!seen.has(f)) {
          seen.add(f);
          show(f);
        }
  }
  process.exit(over.length ? 1 : 0);
}

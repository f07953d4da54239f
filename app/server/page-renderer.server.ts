import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import * as stock from "react-dom/server";

/**
 * React's streaming renderer for the pages, with its writing changed: the text of a flush is
 * gathered as one string and handed over once, instead of being encoded piece by piece into
 * 2 KB byte buffers. Decision 013, "fifth pass".
 *
 * Why: React 18.3's Node renderer encodes every piece of a page (each tag's start, attribute,
 * text) into its buffer as it goes: a new typed-array view and a `TextEncoder.encodeInto` result
 * per piece, thousands a page. Measured on the county's pages at steady state (this machine,
 * production build, server CPU per request, stock → this, two rounds of 300 requests each):
 * /dashboard 16.8–18.1 → 14.3–16.7 ms, the county's case board with every card 35.5–36.8 →
 * 29.8–32.3 ms; the page's bytes are the same (unit-tested). It also ends a React bug the page's
 * destination worked around: a character split at a buffer's end left NUL bytes.
 *
 * How: the production build's own file, read from node_modules, with three functions replaced
 * (each found exactly once, or nothing is changed), evaluated as the CommonJS module it is. So
 * node_modules stays as npm installed it (the bench's bare reference page uses the stock React),
 * and a React upgrade that moves these functions falls back to the stock renderer, says so in the
 * log, and fails the unit test that pins this. Development builds use the stock renderer, and so
 * does a server started with STOCK_REACT_RENDERER=1 (to compare, or should this ever misbehave).
 */
const FILE = "cjs/react-dom-server.node.production.min.js";

/** writeChunk: strings are added to the flush's text; bytes (none in practice) go after it. */
const WRITE_CHUNK_START = 'function r(a,b){if("string"===typeof b){';
const WRITE_CHUNK_END = "function t(a,b){a=a.write(b);q=q&&a}";
const WRITE_CHUNK =
  'var zhucunText="";function r(a,b){"string"===typeof b?zhucunText+=b:0!==b.byteLength&&(0<zhucunText.length&&(t(a,zhucunText),zhucunText=""),t(a,b))}';

const REPLACEMENTS: readonly (readonly [from: string, to: string])[] = [
  // completeWriting: the flush's text first, then any bytes left.
  [
    "function ca(a){k&&0<l&&a.write(k.subarray(0,l));k=null;l=0;q=!0}",
    'function ca(a){0<zhucunText.length&&(a.write(zhucunText),zhucunText="");k&&0<l&&a.write(k.subarray(0,l));k=null;l=0;q=!0}',
  ],
  // stringToPrecomputedChunk: React's fixed pieces stay strings.
  ["function x(a){return u.encode(a)}", "function x(a){return a}"],
];

function once(source: string, part: string): number {
  const at = source.indexOf(part);
  if (at < 0 || source.indexOf(part, at + 1) >= 0) {
    throw new Error(`page renderer: ${JSON.stringify(part.slice(0, 40))} is not in React once`);
  }
  return at;
}

/** The renderer's source with the changes above; throws if any is not found exactly once. */
export function patchRendererSource(source: string): string {
  // The one name this adds must be new to React's (minified) code.
  if (/\bzhucunText\b/.test(source)) throw new Error("page renderer: zhucunText is taken");
  const start = once(source, WRITE_CHUNK_START);
  const end = once(source, WRITE_CHUNK_END);
  const old = source.slice(start, end);
  if (end < start || old.length > 1000 || !old.includes("u.encodeInto(b,")) {
    throw new Error("page renderer: writeChunk is not the one this change was written for");
  }
  let patched = source.slice(0, start) + WRITE_CHUNK + source.slice(end);
  for (const [from, to] of REPLACEMENTS) {
    once(patched, from);
    patched = patched.replace(from, to);
  }
  return patched;
}

type Renderer = typeof stock.renderToPipeableStream;

/**
 * The installed React's production renderer, evaluated with `change` applied to its source (the
 * changes above by default; the tests also load it unchanged, to compare).
 */
export function loadRenderer(change: (source: string) => string = patchRendererSource): Renderer {
  const require = createRequire(import.meta.url);
  // The package exports only its entry points: its folder from one of them.
  const filename = path.join(path.dirname(require.resolve("react-dom/server.node")), FILE);
  const source = change(fs.readFileSync(filename, "utf8"));
  const module = { exports: {} as { renderToPipeableStream?: Renderer } };
  const run = vm.compileFunction(
    source,
    ["exports", "require", "module", "__filename", "__dirname"],
    { filename },
  );
  run(module.exports, createRequire(filename), module, filename, path.dirname(filename));
  const render = module.exports.renderToPipeableStream;
  if (typeof render !== "function") throw new Error("page renderer: no renderToPipeableStream");
  return render;
}

function choose(): Renderer {
  if (process.env.NODE_ENV !== "production" || process.env.STOCK_REACT_RENDERER === "1") {
    return stock.renderToPipeableStream;
  }
  try {
    return loadRenderer();
  } catch (error) {
    console.warn(`[zhucun] the stock React renderer is used: ${String(error)}`);
    return stock.renderToPipeableStream;
  }
}

export const renderToPipeableStream: Renderer = choose();

/**
 * A page's main-thread tasks, read from a Chromium trace (scripts/bench-browser.ts): each task's
 * wall time (what a PerformanceObserver's "longtask" reports) and its thread time — the CPU the
 * renderer's main thread itself spent on it. On a quiet machine the two agree; on a shared one
 * (two cores, other test runs) a task's wall time also counts the time it waited for a core, so
 * the page's own cost is its thread time, and the budget is held against that (both are shown).
 */

/** The fields of a trace event this reads (Chrome's Trace Event Format). */
export interface TraceEvent {
  name?: string;
  ph?: string;
  pid?: number;
  tid?: number;
  ts?: number;
  /** Wall duration, µs. */
  dur?: number;
  /** Thread (CPU) duration, µs. */
  tdur?: number;
  args?: { name?: string };
}

export interface MainThreadTasks {
  /** The longest task by wall time, ms. */
  longestWallMs: number;
  /** The longest task by the main thread's own time, ms. */
  longestCpuMs: number;
  /** Tasks over 50 ms of the main thread's own time, and their sum, ms. */
  longTasksCpu: number;
  longTasksCpuMs: number;
  /** All the main thread's own time in the trace, ms. */
  mainThreadCpuMs: number;
}

const LONG_TASK_MS = 50;

/**
 * The renderer main thread's top-level tasks (`RunTask`). With several renderer main threads in
 * the trace (a closed warm-up page, an extension), the busiest one is the page's.
 */
export function mainThreadTasks(
  trace: { traceEvents: TraceEvent[] } | TraceEvent[],
): MainThreadTasks {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const mains = new Set<string>();
  for (const e of events) {
    if (e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain") {
      mains.add(`${e.pid}:${e.tid}`);
    }
  }
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== "X" || e.name !== "RunTask") continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  const cpu = (tasks: TraceEvent[]) => tasks.reduce((sum, t) => sum + (t.tdur ?? 0), 0);
  const tasks = [...byThread.values()].sort((a, b) => cpu(b) - cpu(a))[0] ?? [];
  const ms = (us: number | undefined) => (us ?? 0) / 1000;
  const long = tasks.filter((t) => ms(t.tdur) > LONG_TASK_MS);
  return {
    longestWallMs: Math.max(0, ...tasks.map((t) => ms(t.dur))),
    longestCpuMs: Math.max(0, ...tasks.map((t) => ms(t.tdur))),
    longTasksCpu: long.length,
    longTasksCpuMs: long.reduce((sum, t) => sum + ms(t.tdur), 0),
    mainThreadCpuMs: ms(cpu(tasks)),
  };
}

/** What bench-browser asks Chromium to record: the timeline's tasks with their thread times. */
export const TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"];

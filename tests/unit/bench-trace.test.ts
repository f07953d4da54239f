/**
 * The browser bench reads a page's long tasks from a Chromium trace (scripts/bench-trace.ts): by
 * wall time and by the main thread's own time, on the page's renderer main thread only.
 */
import { describe, expect, it } from "vitest";
import { mainThreadTasks, type TraceEvent } from "../../scripts/bench-trace";

const thread = (pid: number, tid: number, name: string): TraceEvent => ({
  ph: "M",
  name: "thread_name",
  pid,
  tid,
  args: { name },
});
const task = (pid: number, tid: number, wallMs: number, cpuMs: number): TraceEvent => ({
  ph: "X",
  name: "RunTask",
  pid,
  tid,
  ts: 0,
  dur: wallMs * 1000,
  tdur: cpuMs * 1000,
});

describe("a page's main-thread tasks from a trace", () => {
  it("counts wall and CPU time apart, on the busiest renderer main thread only", () => {
    const figures = mainThreadTasks({
      traceEvents: [
        thread(1, 1, "CrBrowserMain"),
        thread(2, 7, "CrRendererMain"),
        thread(2, 8, "Compositor"),
        thread(3, 9, "CrRendererMain"),
        // The page's renderer: a task that waited for a core (wall 400, CPU 120), a long one, short ones.
        task(2, 7, 400, 120),
        task(2, 7, 90, 80),
        task(2, 7, 30, 20),
        task(2, 7, 60, 40),
        // Not the page's: the browser process, a compositor thread, an idle warm-up renderer.
        task(1, 1, 900, 900),
        task(2, 8, 700, 700),
        task(3, 9, 300, 30),
        // Not a task.
        { ph: "X", name: "Layout", pid: 2, tid: 7, dur: 5_000_000, tdur: 5_000_000 },
      ],
    });
    expect(figures).toEqual({
      longestWallMs: 400,
      longestCpuMs: 120,
      longTasksCpu: 2,
      longTasksCpuMs: 200,
      mainThreadCpuMs: 260,
    });
  });

  it("reads a bare event array, and a trace with no tasks as none", () => {
    expect(mainThreadTasks([thread(2, 7, "CrRendererMain"), task(2, 7, 10, 10)]).longestCpuMs).toBe(
      10,
    );
    expect(mainThreadTasks([])).toEqual({
      longestWallMs: 0,
      longestCpuMs: 0,
      longTasksCpu: 0,
      longTasksCpuMs: 0,
      mainThreadCpuMs: 0,
    });
  });
});

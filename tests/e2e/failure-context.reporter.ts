import fs from "node:fs";
import type { Reporter, TestCase, TestResult } from "@playwright/test/reporter";

/** How many failures, and how many lines of each page, the log shows. */
const MAX_FAILURES = 4;
const MAX_LINES = 45;
const OPTION = /^\s*- option\b/;

/**
 * On CI, what the page showed when a test failed: the `main` landmark of Playwright's page
 * snapshot (the error-context file it writes), printed just before the list reporter's summary.
 * CI keeps only its log, not the test-results folder, so this is what tells a real failure from a
 * page still on its way.
 */
export default class FailureContextReporter implements Reporter {
  private failures: { title: string; path: string }[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === "passed" || result.status === "skipped") return;
    const context = result.attachments.find((a) => a.name === "error-context" && a.path);
    if (!context?.path) return;
    const retry = result.retry ? ` (retry #${result.retry})` : "";
    this.failures.push({
      title: `${test.titlePath().slice(1).join(" › ")}${retry}`,
      path: context.path,
    });
  }

  onEnd() {
    for (const { title, path } of this.failures.slice(0, MAX_FAILURES)) {
      let lines: string[];
      try {
        lines = fs.readFileSync(path, "utf8").split("\n");
      } catch {
        continue;
      }
      // The file holds the error, the page (or the element a matcher read), then the test's source.
      const source = lines.findIndex((line) => line.startsWith("# Test source"));
      const page = source >= 0 ? lines.slice(0, source) : lines;
      const main = page.findIndex((line) => /^\s*- main\b/.test(line));
      const from = main >= 0 ? main : page.findIndex((line) => line.startsWith("```yaml"));
      if (from < 0) continue;
      // A select's options say little and can fill the lines (the map's filters: 30 of 45).
      const shown = page
        .slice(from)
        .filter((line) => !line.startsWith("```") && line.trim() !== "" && !OPTION.test(line))
        .slice(0, MAX_LINES);
      console.log(`\n[page when it failed] ${title}\n${shown.join("\n")}`);
    }
    if (this.failures.length > MAX_FAILURES) {
      console.log(`[page when it failed] … and ${this.failures.length - MAX_FAILURES} more`);
    }
  }
}

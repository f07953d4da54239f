import { describe, expect, it } from "vitest";
import { uncheckedValidation } from "~/components/form-reply";

/**
 * Before a form's schema has loaded, Conform's intents must stay in the browser: Conform sends an
 * intent to the action when `onValidate` gives it no submission, or one that is a success or has
 * `error: null`, and keeps it (preventDefault) otherwise.
 */
const keptInBrowser = (s: ReturnType<typeof uncheckedValidation>) =>
  s.status !== "success" && s.error !== null;

type Intent = { type: "update" | "reset" | "insert"; payload: Record<string, string> };

/** A form's data as Conform's intent button sends it (its value is the intent, as JSON). */
function form(fields: Record<string, string>, intent?: Intent) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  if (intent) data.append("__intent__", JSON.stringify(intent));
  return data;
}

describe("a form whose schema has not loaded yet", () => {
  it("applies form.update in the browser, with the new value, and sends nothing", () => {
    const submission = uncheckedValidation(
      form(
        { lat: "41.1", lon: "114.0" },
        { type: "update", payload: { name: "lat", value: "41.2" } },
      ),
    );
    expect(keptInBrowser(submission)).toBe(true);
    expect(submission.payload).toEqual({ lat: "41.2", lon: "114.0" });
    // No message is invented for a field the server has not checked.
    expect(submission.status === "success" ? null : submission.error).toEqual({});
  });

  it("applies form.reset and a list's insert in the browser", () => {
    expect(
      keptInBrowser(uncheckedValidation(form({ note: "x" }, { type: "reset", payload: {} }))),
    ).toBe(true);
    const inserted = uncheckedValidation(
      form({ "members[0]": "a" }, { type: "insert", payload: { name: "members" } }),
    );
    expect(keptInBrowser(inserted)).toBe(true);
    expect(inserted.payload).toEqual({ members: ["a", undefined] });
  });

  it("lets a submit through to the server, as typed, which checks it", () => {
    const submission = uncheckedValidation(form({ lat: "not a number", lon: "" }));
    expect(submission.status).toBe("success");
    expect(submission.payload).toEqual({ lat: "not a number", lon: "" });
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { safeRedirect } from "~/auth.server";
import { HouseholdSchema } from "~/schemas/household";
import { LoginSchema } from "~/schemas/login";
import { PLAN_SCHEMAS } from "~/schemas/plan";
import { NoticeSchema } from "~/schemas/teamwork";
import { checkFields, parseFieldName, readForm } from "~/utils/form-guard.server";

const entries = (body: string) => [...new URLSearchParams(body).entries()];

describe("field names", () => {
  it("reads Conform's names and refuses anything it would not write", () => {
    expect(parseFieldName("incomes[3].value")).toEqual(["incomes", 3, "value"]);
    expect(parseFieldName("a.b.c")).toEqual(["a", "b", "c"]);
    for (const bad of ["", "[0]", "a..b", "a[01]", "a[-1]", "a[1e3]", ".a", "a[9999999]", "a b"]) {
      expect(parseFieldName(bad), bad).toBeNull();
    }
  });
});

describe("a form's fields are checked against its schema before anything is built from them", () => {
  it("refuses the sparse index that exhausted the heap, at once", () => {
    const started = performance.now();
    expect(checkFields(entries("username=a&password=b&x[99999999]=1"), LoginSchema)).toEqual({
      field: "x[99999999]",
      problem: "name",
    });
    // An index on a real list, beyond what the schema allows (30 years of income).
    expect(checkFields(entries("incomes[2000000].value=1"), HouseholdSchema)).toMatchObject({
      problem: "name",
    });
    expect(checkFields(entries("incomes[30].value=1"), HouseholdSchema)).toMatchObject({
      problem: "name",
    });
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("takes every field a real form sends, hidden plumbing included", () => {
    expect(
      checkFields(
        entries(
          "intent=household&formId=household&version=3&code=F-1&headName=x&members=2&mainCause=illness" +
            "&otherCauses=disability&otherCauses=lack_of_labour&incomes[0].year=2019&incomes[0].value=3000" +
            "&incomes[29].year=2020&idNumber=1&phone=2&__intent__=validate",
        ),
        HouseholdSchema,
      ),
    ).toBeNull();
    expect(
      checkFields(entries("username=a&password=b&device=on&redirectTo=/x"), LoginSchema),
    ).toBeNull();
    expect(
      checkFields(
        entries("intent=milestone&formId=m1&id=x&version=1&title=t&dueOn=2019-01-01"),
        Object.values(PLAN_SCHEMAS),
      ),
    ).toBeNull();
    expect(
      checkFields(entries("username-AbC_9-x=li&pick=1"), [/^username-[\w-]{1,64}$/, "pick"]),
    ).toBeNull();
  });

  it("refuses unknown fields, repeated single fields and lists longer than their maximum", () => {
    expect(checkFields(entries("username=a&password=b&admin=1"), LoginSchema)).toMatchObject({
      field: "admin",
      problem: "name",
    });
    expect(checkFields(entries("username=a&username=b"), LoginSchema)).toMatchObject({
      problem: "repeats",
    });
    const tooMany = Array.from({ length: 501 }, (_, i) => `teamIds=t${i}`).join("&");
    expect(checkFields(entries(tooMany), NoticeSchema)).toMatchObject({ problem: "repeats" });
    const fine = Array.from({ length: 500 }, (_, i) => `teamIds=t${i}`).join("&");
    expect(checkFields(entries(fine), NoticeSchema)).toBeNull();
  });

  it("bounds the number of fields even of a form made of names", () => {
    const many = Array.from({ length: 600 }, () => "id=1").join("&");
    expect(
      checkFields(entries(many), z.object({ id: z.array(z.string()).max(10_000) }), 500),
    ).toMatchObject({
      problem: "count",
    });
  });

  it("answers 400 (not 500) for a body that is not a form or cannot be read", async () => {
    const post = (body: string, type: string) =>
      readForm(
        new Request("http://localhost/login", {
          method: "POST",
          body,
          headers: { "Content-Type": type },
        }),
        LoginSchema,
      );
    for (const [body, type] of [
      ['{"username":"a"}', "application/json"],
      ["username=a", "text/plain"],
      ["--x\r\nbroken", "multipart/form-data; boundary=x"],
    ] as const) {
      const thrown = await post(body, type).then(
        () => null,
        (e: unknown) => e,
      );
      expect(thrown, type).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(400);
    }
    const form = await post(
      "current=a&next=bbbbbbbb&confirm=bbbbbbbb&formId=password",
      "application/x-www-form-urlencoded",
    ).catch((e: unknown) => e);
    // The login form's spec does not have the password form's fields.
    expect((form as Response).status).toBe(400);
  });
});

describe("redirects after a form go to this site only", () => {
  it("parses the target as a browser would", () => {
    expect(safeRedirect("/villages?x=1#y")).toBe("/villages?x=1#y");
    for (const evil of [
      "//evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/%0d%0aSet-Cookie:x",
    ]) {
      const to = safeRedirect(evil);
      expect(to.startsWith("/") && !to.startsWith("//"), evil).toBe(true);
      expect(new URL(to, "http://zhucun.local").origin, evil).toBe("http://zhucun.local");
      expect(to, evil).not.toMatch(/[\r\n\t]/);
    }
    expect(safeRedirect("/\t/evil.example")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
  });
});

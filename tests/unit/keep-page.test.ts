import { describe, expect, it } from "vitest";
import { readsThisPage } from "~/outbox/keep-page";

const at = (href: string) => new URL(href, "https://zhucun.example");

describe("readsThisPage: which reads keep the page when there is no connection", () => {
  it("is the single-fetch read of the page shown, whatever routes it asks for", () => {
    const card = at("/cards/abc");
    expect(readsThisPage("/cards/abc.data", card)).toBe(true);
    expect(readsThisPage("/cards/abc.data?_routes=routes%2F_app.cards.%24cardId", card)).toBe(true);
    expect(readsThisPage("https://zhucun.example/cards/abc.data", card)).toBe(true);
    expect(readsThisPage("/cards/abc.data", at("/cards/abc/"))).toBe(true);
    expect(readsThisPage("/_root.data?_routes=root", at("/"))).toBe(true);
  });

  it("keeps the page's own filters: the same ones only", () => {
    const filtered = at("/dashboard?township=t1&level=city");
    expect(readsThisPage("/dashboard.data?township=t1&level=city&_routes=x", filtered)).toBe(true);
    expect(readsThisPage("/dashboard.data?township=t2&level=city", filtered)).toBe(false);
    expect(readsThisPage("/dashboard.data", filtered)).toBe(false);
    expect(readsThisPage("/dashboard.data?township=t1", at("/dashboard"))).toBe(false);
  });

  it("is not a navigation elsewhere, a file, another site or a page's document", () => {
    const card = at("/cards/abc");
    expect(readsThisPage("/cards/abd.data", card)).toBe(false);
    expect(readsThisPage("/cards.data", card)).toBe(false);
    expect(readsThisPage("/_root.data", card)).toBe(false);
    expect(readsThisPage("/cards/abc", card)).toBe(false);
    expect(readsThisPage("/map/villages.json", at("/map"))).toBe(false);
    expect(readsThisPage("https://elsewhere.example/cards/abc.data", card)).toBe(false);
  });
});

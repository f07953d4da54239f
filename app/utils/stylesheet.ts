/**
 * Loads a stylesheet that only a lazily loaded, browser-only component needs (Leaflet's for the
 * map, uPlot's for the dashboard's charts), alongside that component's script: as a route's
 * `links` it blocked the first paint of the whole page for a map or chart that is drawn later
 * anyway (and never without JavaScript). Resolves once the sheet is loaded — or failed, so the
 * component still shows — and adds it to <head> only once, however often it is asked for.
 */
export function loadStylesheet(href: string): Promise<void> {
  let link = document.head.querySelector<HTMLLinkElement>(
    `link[rel="stylesheet"][href="${CSS.escape(href)}"]`,
  );
  if (link?.sheet) return Promise.resolve();
  if (!link) {
    link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.append(link);
  }
  const sheet = link;
  return new Promise((resolve) => {
    sheet.addEventListener("load", () => resolve(), { once: true });
    sheet.addEventListener("error", () => resolve(), { once: true });
  });
}

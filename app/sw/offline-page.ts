/**
 * The page the service worker answers with when there is no signal and the page asked for is not
 * kept on this device: in both languages (the worker cannot know which one the person reads),
 * self-contained (no script, its style inline), with a way back to the start page, which opens
 * the person's own kept pages.
 */
/** The app's locales (~/i18n, not imported: the worker carries none of the app's i18n code). */
type Locale = "zh-CN" | "en";

export interface OfflineText {
  /** "Offline — as of {time}": a kept page's copy, without a connection. */
  banner: string;
  /** "Showing the copy of {time}, refreshing…": a kept page's copy while the server is asked. */
  refreshing: string;
  title: string;
  body: string;
  retry: string;
  home: string;
}

/** The catalogues' `offline.*` texts, put in by scripts/build-sw.ts. */
export type OfflineTexts = Record<Locale, OfflineText>;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function offlinePage(texts: OfflineTexts, path: string): string {
  const section = (locale: Locale) => {
    const text = texts[locale];
    return (
      `<section lang="${locale}"><h1>${escapeHtml(text.title)}</h1><p>${escapeHtml(text.body)}</p>` +
      `<p><a href="${escapeHtml(path)}">${escapeHtml(text.retry)}</a> · ` +
      `<a href="/">${escapeHtml(text.home)}</a></p></section>`
    );
  };
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="theme-color" content="#b3261e">` +
    `<title>${escapeHtml(texts["zh-CN"].title)} · ${escapeHtml(texts.en.title)}</title>` +
    `<link rel="icon" href="/favicon.svg" type="image/svg+xml">` +
    `<style>body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;color:#1d1b1a;background:#faf8f5;line-height:1.55}` +
    `header{background:#b3261e;color:#fff;padding:.75rem 1rem;font-weight:600}` +
    `main{max-width:40rem;margin:0 auto;padding:1rem}section+section{border-top:1px solid #ddd6cf;margin-top:1.5rem}` +
    `a{color:#1a5fb4;display:inline-block;min-height:44px;line-height:44px}h1{font-size:1.4rem}</style>` +
    `</head><body><header>驻村工作台 · Zhucun</header><main id="offline-page">` +
    section("zh-CN") +
    section("en") +
    `</main></body></html>`
  );
}

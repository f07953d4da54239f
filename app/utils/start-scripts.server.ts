/* The root's script starter (app/root.tsx): a server module, so that its text is written into
   the page by the server and not also shipped in the root's JavaScript. */

/**
 * The page's scripts start after its first paint (decision 013, fifth pass). Remix's <Scripts>
 * (patched: scripts/patches/@remix-run+react+2.17.5.patch) writes its module preloads as
 * `rel="zhucun-modulepreload"` and its module script as `type="zhucun-module"`, which the browser
 * neither fetches nor runs, and the root's catalogue preload is `rel="zhucun-preload"`. This
 * script, which the browser runs only once the stylesheet has come (a script after a pending
 * stylesheet waits for it), waits for the next frame, the first paint, and then adds the real
 * preloads and the module script, with the page's nonce. So on a slow network the stylesheet and
 * the page's text have the line to themselves until the page shows, and Lighthouse's simulation no
 * longer counts ~100 KB of scripts requested before that paint into the largest paint (it did on
 * Regular 3G: 4.5 s for a page whose largest text was painted with the first). A tab opened in the
 * background, which paints nothing, starts at once, and so does one hidden before its frame came
 * (no frames run in a hidden tab). Without JavaScript nothing changes.
 */
export const START_SCRIPTS_AFTER_PAINT = `(function(){var d=document,started=0;function start(){if(started)return;started=1;d.querySelectorAll('link[rel^="zhucun-"]').forEach(function(k){var l=d.createElement("link");l.rel=k.rel.slice(7);l.href=k.href;if(k.as)l.as=k.as;if(k.crossOrigin!==null)l.crossOrigin=k.crossOrigin;if(l.rel==="modulepreload")l.setAttribute("fetchpriority","low");d.head.appendChild(l)});var k=d.querySelector('script[type="zhucun-module"]');if(k){var s=d.createElement("script");s.type="module";s.nonce=k.nonce;s.textContent=k.textContent;d.body.appendChild(s)}}if(d.visibilityState==="hidden")start();else{d.addEventListener("visibilitychange",start);requestAnimationFrame(function(){setTimeout(start,0)})}})()`;

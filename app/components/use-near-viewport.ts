import { useEffect, useState, type RefObject } from "react";

/**
 * Whether the element has come within `margin` of the viewport since the page was drawn: false on
 * the server and until then, true for good afterwards. For work that only a reader who scrolls to
 * it needs (a chart below a phone's first screen), so it is not done, and not downloaded, while
 * the page loads. Without IntersectionObserver the answer is true at once.
 */
export function useNearViewport(ref: RefObject<Element | null>, margin = "200px"): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (near || !element) return;
    if (typeof IntersectionObserver === "undefined") {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          setNear(true);
        }
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, near, margin]);
  return near;
}

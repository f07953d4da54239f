/**
 * The board's card and column elements by key (a card's id, a container's "<lane>::<column>"), for
 * the drag layer (board-dnd.client.tsx), which arrives after hydration and binds dnd-kit to the
 * elements the board already drew instead of drawing them again. The board gives each element a
 * ref from here; the layer subscribes and hears when one is replaced (a card dragged into another
 * column is a new element there).
 */
export class BoardNodes {
  private nodes = new Map<string, HTMLElement>();
  private refs = new Map<string, (element: HTMLElement | null) => void>();
  private listeners = new Set<() => void>();
  private version = 0;

  /** A stable ref callback for the element of `key`. */
  ref(key: string) {
    let ref = this.refs.get(key);
    if (!ref) {
      ref = (element) => {
        // React detaches an element that leaves (null) before it attaches the one that replaces it.
        if (element) this.nodes.set(key, element);
        else this.nodes.delete(key);
        this.version++;
        this.listeners.forEach((listener) => listener());
      };
      this.refs.set(key, ref);
    }
    return ref;
  }

  get(key: string): HTMLElement | undefined {
    return this.nodes.get(key);
  }

  /** For useSyncExternalStore: subscribe, and a snapshot that changes when an element does. */
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
  getVersion = () => this.version;
}

/**
 * The one place dnd-kit is used (style guide, principle 11): mouse, touch and keyboard sensors,
 * multiple sortable columns, a snapshot restored on cancel, and screen-reader announcements in the
 * active language naming the card and "position n of m". Only the board's drag layer
 * (board-dnd.client.tsx, loaded after hydration) imports it, so dnd-kit is not in a board's
 * first-load JavaScript.
 */
import {
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  closestCorners,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
} from "@dnd-kit/core";
import { arrayMove, sortableKeyboardCoordinates } from "@dnd-kit/sortable";

// The board renders with these; they are re-exported so dnd-kit is imported here only.
export { DndContext, useDroppable } from "@dnd-kit/core";
export { SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
export { CSS } from "@dnd-kit/utilities";
import { useId, useRef } from "react";

/** Column containers, each an ordered list of card ids. Container ids are "<lane>::<column>". */
export type Containers = Record<string, string[]>;

export interface DropResult {
  cardId: string;
  container: string;
  /** The card's new column order (ids), the card included. */
  order: string[];
}

/** A drag in progress: the containers before it (restored on cancel) and as they are now. */
export interface Dragging {
  snapshot: Containers;
  items: Containers;
}

export function useBoardDnd({
  containers,
  dragging,
  setDragging,
  describe,
  onDrop,
}: {
  containers: Containers;
  /** The drag's state, kept by the board (which draws the cards where the drag has put them). */
  dragging: Dragging | null;
  setDragging: (update: Dragging | null | ((prev: Dragging | null) => Dragging | null)) => void;
  /** Texts for announcements. */
  describe: {
    title: (cardId: string) => string;
    column: (container: string) => string;
    pickedUp: (p: { title: string; column: string; position: number; total: number }) => string;
    over: (p: { title: string; column: string; position: number; total: number }) => string;
    dropped: (p: { title: string; column: string; position: number; total: number }) => string;
    cancelled: (p: { title: string; column: string }) => string;
    instructions: string;
  };
  onDrop: (result: DropResult) => void;
}) {
  const id = useId();
  const items = dragging?.items ?? containers;
  // The drag's latest state, for the handlers: a key pressed right after the pick-up (a slow
  // phone, or a quick hand) arrives before the board has drawn the drag, when `dragging` is still
  // null in this render's handlers, and was lost (CI saw the first ArrowRight do nothing).
  const latest = useRef(dragging);
  latest.current = dragging;
  // The drag just ended or cancelled, for its announcement (made right after the handler).
  const ended = useRef<Dragging | null>(null);
  const update = (next: Dragging | null | ((prev: Dragging | null) => Dragging | null)) => {
    latest.current = typeof next === "function" ? next(latest.current) : next;
    setDragging(latest.current);
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const find = (state: Containers, itemId: string) =>
    itemId in state ? itemId : Object.keys(state).find((c) => state[c]!.includes(itemId));
  const lane = (container: string) => container.split("::")[0];
  const where = (state: Containers, cardId: string) => {
    const container = find(state, cardId) ?? "";
    const list = state[container] ?? [];
    return {
      title: describe.title(cardId),
      column: describe.column(container),
      position: list.indexOf(cardId) + 1,
      total: list.length,
    };
  };

  function onDragStart({ active }: DragStartEvent) {
    update({ snapshot: containers, items: containers });
    void active;
  }

  function onDragOver({ active, over }: DragOverEvent) {
    const current = latest.current;
    if (!over || !current) return;
    const from = find(current.items, String(active.id));
    const to = find(current.items, String(over.id));
    // Cards stay in their own lane: a lane is a village (or a township of villages).
    if (!from || !to || from === to || lane(from) !== lane(to)) return;
    update((prev) => {
      if (!prev) return prev;
      const { snapshot, items: current } = prev;
      const source = current[from]!.filter((x) => x !== active.id);
      const target = [...current[to]!];
      const overIndex = target.indexOf(String(over.id));
      target.splice(overIndex === -1 ? target.length : overIndex, 0, String(active.id));
      return { snapshot, items: { ...current, [from]: source, [to]: target } };
    });
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    const drag = latest.current;
    const state = drag?.items ?? containers;
    ended.current = drag;
    update(null);
    if (!over) return;
    const container = find(state, String(active.id));
    if (!container) return;
    const list = state[container]!;
    const overIndex = list.indexOf(String(over.id));
    const activeIndex = list.indexOf(String(active.id));
    const order =
      overIndex !== -1 && overIndex !== activeIndex
        ? arrayMove(list, activeIndex, overIndex)
        : list;
    const original = drag?.snapshot ?? containers;
    const unchanged =
      find(original, String(active.id)) === container &&
      original[container]!.join() === order.join();
    if (!unchanged) onDrop({ cardId: String(active.id), container, order });
  }

  function onDragCancel() {
    // Cancel restores the board exactly as it was before the pick-up.
    ended.current = latest.current;
    update(null);
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => describe.pickedUp(where(containers, String(active.id))),
    // Over itself means nothing moved yet: keep the pick-up announcement.
    onDragOver: ({ active, over }) =>
      over && over.id !== active.id
        ? describe.over(where(latest.current?.items ?? containers, String(active.id)))
        : undefined,
    onDragEnd: ({ active, over }) =>
      over
        ? describe.dropped(where(ended.current?.items ?? containers, String(active.id)))
        : undefined,
    onDragCancel: ({ active }) => {
      const w = where(ended.current?.snapshot ?? containers, String(active.id));
      return describe.cancelled({ title: w.title, column: w.column });
    },
  };

  return {
    items,
    contextProps: {
      id,
      sensors,
      collisionDetection: closestCorners,
      onDragStart,
      onDragOver,
      onDragEnd,
      onDragCancel,
      accessibility: {
        announcements,
        screenReaderInstructions: { draggable: describe.instructions },
      },
    },
  };
}

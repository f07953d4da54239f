/**
 * The board's drag and drop, loaded after hydration (board.tsx imports it when the board is near
 * the screen, or at once on the first pointer or key on the board): a board works without it — by
 * its links and "move to…" forms, without JavaScript too — so dnd-kit (15 KiB gzip) is not part
 * of the page's first load, and the server never runs it.
 *
 * It draws nothing of the board itself. It binds dnd-kit to the card and column elements the
 * board already drew (BoardNodes): each card's sortable node is its <li>, its handle a button put
 * into the card's reserved slot (a portal, so it keeps this layer's contexts), its move a transform
 * written to the <li>. Loading it therefore re-renders no card, whatever the board's size.
 */
import { memo, useLayoutEffect, useSyncExternalStore } from "react";
import { createPortal } from "react-dom";
import type { BoardNodes } from "~/components/board-nodes";
import {
  CSS,
  DndContext,
  SortableContext,
  useBoardDnd,
  useDroppable,
  useSortable,
  verticalListSortingStrategy,
  type Containers,
  type Dragging,
  type DropResult,
} from "~/components/use-board-dnd";

export interface BoardDndProps {
  /** Every container's cards, in order (pending moves applied). */
  containers: Containers;
  /** The cards each container shows (its first ones, unless expanded): those that can be dragged. */
  visible: Containers;
  dragging: Dragging | null;
  setDragging: Parameters<typeof useBoardDnd>[0]["setDragging"];
  describe: Parameters<typeof useBoardDnd>[0]["describe"];
  onDrop: (result: DropResult) => void;
  nodes: BoardNodes;
  /** Whether the viewer may move the card. */
  canMove: (cardId: string) => boolean;
  /** The handle's accessible name. */
  handleLabel: (cardId: string) => string;
}

export default function BoardDnd({
  containers,
  visible,
  dragging,
  setDragging,
  describe,
  onDrop,
  nodes,
  canMove,
  handleLabel,
}: BoardDndProps) {
  const dnd = useBoardDnd({ containers, dragging, setDragging, describe, onDrop });
  // Re-rendered when an element is replaced, so each binding finds its card's current element.
  useSyncExternalStore(nodes.subscribe, nodes.getVersion, nodes.getVersion);
  return (
    <DndContext {...dnd.contextProps}>
      {Object.entries(visible).map(([container, ids]) => (
        <SortableContext
          key={container}
          id={container}
          items={ids}
          strategy={verticalListSortingStrategy}
        >
          {ids.map((id) => (
            <CardDrag
              key={id}
              id={id}
              element={nodes.get(id)}
              nodes={nodes}
              movable={canMove(id)}
              label={handleLabel(id)}
            />
          ))}
          {/* After its cards: dnd-kit breaks a tie between a card and its list by the order they
              were registered in, and a lone card is "over" itself, not its column, when picked up. */}
          <ColumnDrop id={container} element={nodes.get(container)} />
        </SortableContext>
      ))}
    </DndContext>
  );
}

/** A column's list as a drop target (for an empty column), marked while a card is over it. */
function ColumnDrop({ id, element }: { id: string; element: HTMLElement | undefined }) {
  const { setNodeRef, isOver } = useDroppable({ id });
  useLayoutEffect(() => {
    setNodeRef(element ?? null);
    element?.closest(".board-column")?.toggleAttribute("data-over", isOver);
  }, [element, isOver, setNodeRef]);
  return null;
}

/**
 * One card: its <li> as the sortable node, moved by a transform while a drag goes on; its handle
 * (mouse, touch, keyboard) drawn into the card's slot. A card the viewer may not move still takes
 * part, so the cards around it make room.
 */
const CardDrag = memo(function CardDrag({
  id,
  element,
  nodes,
  movable,
  label,
}: {
  id: string;
  /** The card's <li> as it is now (a new one when the card has moved column). */
  element: HTMLElement | undefined;
  nodes: BoardNodes;
  movable: boolean;
  label: string;
}) {
  const {
    attributes,
    listeners,
    setNodeRef,
    setActivatorNodeRef,
    transform,
    transition,
    isDragging,
  } = useSortable({ id, disabled: !movable });
  useLayoutEffect(() => setNodeRef(element ?? null), [element, setNodeRef]);
  useLayoutEffect(() => {
    const card = nodes.get(id);
    if (!card) return;
    card.style.transform = CSS.Transform.toString(transform) ?? "";
    card.style.transition = transition ?? "";
    card.toggleAttribute("data-dragging", isDragging);
  }, [nodes, id, element, transform, transition, isDragging]);
  const slot = movable ? element?.querySelector(".drag-slot") : null;
  if (!slot) return null;
  return createPortal(
    <button
      type="button"
      ref={setActivatorNodeRef}
      className="drag-handle"
      {...attributes}
      {...listeners}
      aria-label={label}
    >
      <span aria-hidden="true">⠿</span>
    </button>,
    slot,
  );
});

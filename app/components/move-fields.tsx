/**
 * The fields of a card's "move to…" form: the column and the place in it. Shared by the board (with
 * JavaScript, opened in place under a card) and the card's own page (its #move section, where the
 * board's "move to…" link leads without JavaScript). A module of its own so the card page does not
 * load the board's drag and drop.
 */
import type { Board, BoardColumn } from "../../db/schema";
import { useT } from "~/i18n";
import { BOARD_COLUMNS } from "~/utils/boards";

export function MoveFields({
  id,
  cardId,
  board,
  column,
  version,
}: {
  /** Prefix of the fields' ids: unique on the page. */
  id: string;
  cardId: string;
  board: Board;
  column: BoardColumn;
  version: number;
}) {
  const t = useT();
  return (
    <>
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="cardId" value={cardId} />
      <input type="hidden" name="version" value={version} />
      <label htmlFor={`${id}-column`}>{t("board.moveToColumn")}</label>
      <select id={`${id}-column`} name="column" defaultValue={column}>
        {BOARD_COLUMNS[board].map((c) => (
          <option key={c} value={c}>
            {t(`board.column.${board}.${c}` as "board.column.project.proposed")}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-place`}>{t("board.moveToPlace")}</label>
      <select id={`${id}-place`} name="place" defaultValue="bottom">
        <option value="top">{t("board.place.top")}</option>
        <option value="bottom">{t("board.place.bottom")}</option>
      </select>
      <button type="submit" className="button">
        {t("board.moveSubmit")}
      </button>
    </>
  );
}

import { db } from "~/db.server";

/** Whether any invented record is still in the database: the banner and demo hints show until none is. */
export async function hasDemoData(): Promise<boolean> {
  const row = await db
    .selectFrom("villages")
    .select("id")
    .where((eb) => eb.or([eb("position_source", "=", "demo"), eb("name_source", "=", "demo")]))
    .limit(1)
    .executeTakeFirst();
  if (row) return true;
  const cadre = await db
    .selectFrom("cadres")
    .select("id")
    .where("name_source", "=", "demo")
    .limit(1)
    .executeTakeFirst();
  return Boolean(cadre);
}

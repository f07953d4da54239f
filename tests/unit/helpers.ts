import { db } from "~/db.server";
import { signIn } from "~/models/login.server";
import { getViewer } from "~/models/user.server";
import type { Viewer } from "~/permissions";
import { seedDemo } from "../../db/seed/seed-demo";

let seeded: Awaited<ReturnType<typeof seedDemo>> | undefined;

/**
 * Seeds the demo data once per test file (the seed is idempotent) and returns what it built. On
 * the real clock, dated from today: these tests are about the rules, which must hold on any day;
 * the demo's own calendar has its tests in clock.test.ts.
 */
export async function seedOnce() {
  seeded ??= await seedDemo(db, { clock: "real" });
  return seeded;
}

/** The viewer of a demo account, exactly as a signed-in request would see it. */
export async function viewerFor(username: string): Promise<Viewer> {
  const user = await db
    .selectFrom("users")
    .select("id")
    .where("username", "=", username)
    .executeTakeFirstOrThrow();
  const viewer = await getViewer(user.id);
  if (!viewer) throw new Error(`No viewer for ${username}`);
  return viewer;
}

/** A demo village's id by its name. */
export async function villageId(name: string): Promise<string> {
  const row = await db
    .selectFrom("villages")
    .select("id")
    .where("name_zh", "=", name)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Signs in through the model (throttling and audit included): the user, or null if refused. */
export async function verifyLogin(username: string, password: string) {
  const result = await signIn(username, password);
  return result.ok ? result.user : null;
}

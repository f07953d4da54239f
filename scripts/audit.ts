/**
 * The audit log from the command line (for cron, or an inspector with shell access):
 *   npm run audit -- verify     recompute every live entry's hash; exit 1 if the chain is broken
 *   npm run audit -- archive    move entries past the county's retention period into archives
 * The server also archives on its own every six hours.
 */
import { archiveAudit, verifyAuditChain } from "~/models/audit.server";
import { getSettings } from "~/models/settings.server";
import { db } from "~/db.server";

const command = process.argv[2];
try {
  if (command === "verify") {
    const check = await verifyAuditChain(db);
    if (check.ok) {
      console.log(
        `[zhucun] audit log intact: ${check.entries} live entries, up to #${check.lastSeq}`,
      );
    } else {
      console.error(`[zhucun] audit log BROKEN at entry #${check.brokenAt} (${check.reason})`);
      process.exitCode = 1;
    }
  } else if (command === "archive") {
    const days = (await getSettings())["audit.retentionDays"];
    const made = await archiveAudit(db, days);
    console.log(`[zhucun] audit entries older than ${days} days: ${made} archive(s) made`);
  } else {
    console.error("usage: npm run audit -- verify | archive");
    process.exitCode = 2;
  }
} finally {
  await db.destroy();
}

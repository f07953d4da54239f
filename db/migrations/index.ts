/**
 * The static migration registry. The bundler, tsx scripts and Vitest all see the same list, which a
 * folder scan (FileMigrationProvider) cannot guarantee once the server is bundled.
 * Add new migrations at the end; names are UTC timestamps so they sort in order.
 */
import type { Migration, MigrationProvider } from "kysely";
import * as m20261126090000 from "./20261126090000_foundation";
import * as m20261126100000 from "./20261126100000_map";
import * as m20261126120000 from "./20261126120000_plans";
import * as m20261126130000 from "./20261126130000_boards";
import * as m20261126140000 from "./20261126140000_teamwork";
import * as m20261126150000 from "./20261126150000_dashboard";
import * as m20261126160000 from "./20261126160000_accounts";
import * as m20261126170000 from "./20261126170000_registry";
import * as m20261201090000 from "./20261201090000_trust";
import * as m20261202090000 from "./20261202090000_write_requests";
import * as m20261202100000 from "./20261202100000_county_rules";
import * as m20261202110000 from "./20261202110000_village_exit";
import * as m20261203090000 from "./20261203090000_offline";
import * as m20261203100000 from "./20261203100000_postgres_parity";
import * as m20261203110000 from "./20261203110000_app_secrets";
import * as m20261203221800 from "./20261203221800_dashboard_indexes";

export const migrations: Record<string, Migration> = {
  "20261126090000_foundation": m20261126090000,
  "20261126100000_map": m20261126100000,
  "20261126120000_plans": m20261126120000,
  "20261126130000_boards": m20261126130000,
  "20261126140000_teamwork": m20261126140000,
  "20261126150000_dashboard": m20261126150000,
  "20261126160000_accounts": m20261126160000,
  "20261126170000_registry": m20261126170000,
  "20261201090000_trust": m20261201090000,
  "20261202090000_write_requests": m20261202090000,
  "20261202100000_county_rules": m20261202100000,
  "20261202110000_village_exit": m20261202110000,
  "20261203090000_offline": m20261203090000,
  "20261203100000_postgres_parity": m20261203100000,
  "20261203110000_app_secrets": m20261203110000,
  "20261203221800_dashboard_indexes": m20261203221800,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

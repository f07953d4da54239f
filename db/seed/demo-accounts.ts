/**
 * The demo accounts and their one password, stated in the README and on the sign-in page of a demo
 * database. Demo accounts exist only in demo databases. No server code here: the sign-in page
 * lists the usernames.
 */
import type { UserRole } from "../schema";

export const DEMO_PASSWORD = "zhucun-demo";

export interface DemoAccount {
  username: string;
  displayName: string;
  role: UserRole;
  township?: string;
  village?: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: "county", displayName: "县扶贫办管理员", role: "county_admin" },
  { username: "zuzhibu", displayName: "县委组织部干部", role: "county_organisation" },
  { username: "viewer", displayName: "县级查看员", role: "county_viewer" },
  {
    username: "daqinggou",
    displayName: "大青沟镇领导",
    role: "township_leader",
    township: "大青沟镇",
  },
  {
    username: "xiaosuangou",
    displayName: "小蒜沟镇领导",
    role: "township_leader",
    township: "小蒜沟镇",
  },
  { username: "weijia", displayName: "", role: "team_member", village: "魏家村" },
  { username: "xianaling", displayName: "", role: "team_member", village: "下纳岭村" },
];

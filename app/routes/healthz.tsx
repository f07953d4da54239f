import { databaseLatency } from "~/models/health.server";

/**
 * For the supervisor and the load balancer: 200 when the database answers a read, 503 when it
 * does not. It says nothing else about the deployment (it is open to anyone).
 */
export async function loader() {
  const ms = await databaseLatency();
  return ms === null
    ? Response.json({ status: "unavailable", database: "error" }, { status: 503 })
    : Response.json({ status: "ok", database: "ok", ms });
}

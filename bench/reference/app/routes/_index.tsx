import { useLoaderData } from "@remix-run/react";
import { db } from "../db.server";

export async function loader() {
  return db
    .selectFrom("villages")
    .select(["id", "name_zh", "code", "exit_status", "poor_people", "agricultural_population"])
    .orderBy("code")
    .execute();
}

export default function Villages() {
  const villages = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Villages</h1>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Code</th>
            <th>Status</th>
            <th>Poor people</th>
            <th>Population</th>
          </tr>
        </thead>
        <tbody>
          {villages.map((v) => (
            <tr key={v.id}>
              <th scope="row">
                <a href={`/villages/${v.id}`}>{v.name_zh}</a>
              </th>
              <td>{v.code}</td>
              <td>{v.exit_status}</td>
              <td>{v.poor_people}</td>
              <td>{v.agricultural_population}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

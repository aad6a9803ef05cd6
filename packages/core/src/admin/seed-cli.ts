import { createDb } from "@leash/db";

import { DEMO, seedDemo } from "./seed-demo.ts";

const db = createDb({ connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/leash" });
try {
  const result = await seedDemo(db);
  if (!result.created) {
    console.log(`[seed] demo tenant "${DEMO.tenant.slug}" already exists; nothing changed`);
  } else {
    console.log(`[seed] created demo tenant "${DEMO.tenant.slug}"`);
    console.log(`[seed]   admin:    ${DEMO.admin.email} / ${DEMO.admin.password}`);
    console.log(`[seed]   approver: ${DEMO.approver.email} / ${DEMO.approver.password}`);
    console.log(`[seed]   viewer:   ${DEMO.viewer.email} / ${DEMO.viewer.password}`);
    console.log(`[seed]   agent API key (shown once): ${result.agentKey ?? ""}`);
  }
} finally {
  await db.$disconnect();
}

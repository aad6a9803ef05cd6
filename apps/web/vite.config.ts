import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [reactRouter()],
  environments: {
    ssr: {
      // Workspace packages stay TypeScript loaded through tsx at run time (see the start script), like the
      // other apps: bundled, Prisma's and pino's runtime loading breaks under pnpm's strict node_modules.
      build: { rollupOptions: { external: [/^@leash\//] } },
    },
  },
});

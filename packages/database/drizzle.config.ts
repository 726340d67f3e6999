import { defineConfig } from 'drizzle-kit';

// Generation only: `drizzle-kit generate` reads the schema and writes SQL, it never connects.
// Migrations are applied by `pnpm db:migrate` through the production driver (src/node/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
});

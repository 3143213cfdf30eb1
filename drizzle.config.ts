import { defineConfig } from 'drizzle-kit';

// Used only by `npm run db:generate` to write a new migration from the schema files.
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './src/store/schema.ts',
    './src/store/schema-incidents.ts',
    './src/store/schema-customers.ts',
    './src/store/schema-work.ts',
    './src/store/schema-ops.ts',
  ],
  out: './src/store/migrations',
});

import { defineConfig } from 'drizzle-kit';

// Used only by `npm run db:generate` to write a new migration from src/store/schema.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './src/store/migrations',
});

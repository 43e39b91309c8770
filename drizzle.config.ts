import { defineConfig } from 'drizzle-kit'

// Each feature owns its tables in src/<feature>/schema.ts; drizzle-kit collects them all.
// `npm run db:generate` diffs them against drizzle/meta and writes a new migration (offline).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/*/schema.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/quickscale' },
  casing: 'snake_case',
})

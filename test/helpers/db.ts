import { env } from 'cloudflare:workers'
import { createDb, type Database } from '../../src/platform/db'

// Tests read and write the same real Postgres the worker uses, through the same driver.
export async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const handle = createDb(env)
  try {
    return await fn(handle.db)
  } finally {
    await handle.close()
  }
}

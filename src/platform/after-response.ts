import { createDb, type Database } from './db'
import type { AppContext } from './types'

/**
 * Work that runs after the response is sent (`waitUntil`): a reset mail, later webhook follow-ups and
 * queue hand-offs. The request's pool is ended once the handler returns, so the work gets its own
 * database handle, closed when it finishes; a failure is logged with the request id under `name` and
 * never reaches the user, who already has their answer.
 */
export function runAfterResponse(c: AppContext, name: string, work: (db: Database) => Promise<void>): void {
  const log = c.get('log')
  const env = c.env
  c.executionCtx.waitUntil((async () => {
    const handle = createDb(env)
    try {
      await work(handle.db)
    } catch (err) {
      log.error(`${name} failed`, { error: err })
    } finally {
      await handle.close()
    }
  })())
}

import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { eq } from 'drizzle-orm'
import { retryDelivery } from '../../src/email/admin'
import { emailDeliveries } from '../../src/email/schema'
import { withDb } from '../helpers/db'
import { uniqueAddress, waitForMail } from '../helpers/mail'

// Issue 19, item 12(c): an admin's retry flips the row to 'queued' before it sends; a send the queue
// refuses must put it back to 'failed', or the mail sits in 'queued' with no message any consumer will see.
async function failedMail(to: string) {
  const [row] = await withDb((db) => db.insert(emailDeliveries).values({
    template: 'welcome', recipient: to, status: 'failed', attempts: 6, error: 'gave up after 6 attempts; last error: 503',
    retryProps: { props: { name: 'Retry Person', dashboardUrl: 'http://localhost/dashboard' }, replyTo: null },
  }).returning())
  return row!
}

const rowOf = (id: string) => withDb(async (db) => (await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, id)))[0])

describe('retryDelivery when the queue refuses the message', () => {
  it('goes back to failed with the reason, keeps its props, and a later retry sends it', async () => {
    const to = uniqueAddress()
    const row = await failedMail(to)
    const refusing = { send: () => Promise.reject(new Error('queue unavailable')) } as unknown as Queue
    await expect(withDb((db) => retryDelivery(db, refusing, row.id))).rejects.toThrow('queue unavailable')
    const after = await rowOf(row.id)
    expect(after).toMatchObject({ status: 'failed', error: expect.stringContaining('retry could not be queued: Error: queue unavailable') })
    expect(after!.retryProps).not.toBeNull()

    // Still retryable: the next attempt, with a working queue, delivers it under the same id.
    expect(await withDb((db) => retryDelivery(db, env.EMAIL, row.id))).toEqual({ ok: true, template: 'welcome' })
    expect((await waitForMail(to, { template: 'welcome' })).id).toBe(row.id)
  })
})

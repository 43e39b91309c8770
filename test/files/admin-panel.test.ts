import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { storageAdminPanel } from '../../src/files/admin-panel'
import { files } from '../../src/files/schema'
import { getTotalStorage } from '../../src/files/service'
import type { Database } from '../../src/platform/db'

class RollBack extends Error {}

// Issue 13's "storage used" on the admin overview comes from files' own panel, not from admin reading files' table.
describe('the admin overview storage panel', () => {
  it('counts the bytes, files and accounts of every live file exactly; a file being deleted counts no more', async () => {
    // Site-wide totals move while other test files upload: measured inside one repeatable-read
    // transaction, which sees no one else's commits, and rolled back so nothing stays.
    const owner = crypto.randomUUID()
    const seen = await withDb((db) => db.transaction(async (tx) => {
      const measure = () => getTotalStorage(tx as unknown as Database)
      const before = await measure()
      const row = (n: number, size: number) => ({ userId: owner, name: `f${n}.txt`, r2Key: `${owner}/${n}`, size, contentType: 'text/plain', sha256: 'x' })
      await tx.insert(files).values([row(1, 1000), row(2, 536)])
      const added = await measure()
      await tx.insert(files).values({ ...row(3, 99_999), deletedAt: new Date() })
      const withMarked = await measure()
      throw new RollBack(JSON.stringify({ before, added, withMarked }))
    }, { isolationLevel: 'repeatable read' }).then(() => null, (err: unknown) => {
      if (err instanceof RollBack) return JSON.parse(err.message) as Record<'before' | 'added' | 'withMarked', Awaited<ReturnType<typeof getTotalStorage>>>
      throw err
    }))
    expect(seen!.added).toEqual({ bytes: seen!.before.bytes + 1536, files: seen!.before.files + 2, accounts: seen!.before.accounts + 1 })
    expect(seen!.withMarked).toEqual(seen!.added)
  })

  it('renders the figures it is given, and the overview shows the panel', async () => {
    const html = String(await storageAdminPanel.render({ bytes: 1536, files: 7, accounts: 3 }))
    expect(html).toMatch(/Storage used<\/p><p class="title is-4">1\.5 KiB</)
    expect(html).toMatch(/Files<\/p><p class="title is-4">7</)
    expect(html).toMatch(/Accounts storing files<\/p><p class="title is-4">3</)
    const admin = await createTestUser({ role: 'admin' })
    const page = await (await get('/admin', await loginCookie(admin.email))).text()
    expect(page).toContain('id="panel-storage"')
    expect(page).toMatch(/Storage used<\/p><p class="title is-4">\d+(\.\d)? (B|KiB|MiB|GiB|TiB)</)
  })
})

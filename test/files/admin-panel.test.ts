import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie } from '../auth/helpers'
import { PHOTO_JPG } from '../fixtures/files/images'
import { withDb } from '../helpers/db'
import { getTotalStorage } from '../../src/files/service'
import { signedInUser, upload } from './helpers'

// Issue 13's "storage used" on the admin overview comes from files' own panel, not from admin reading files' table.
describe('the admin overview storage panel', () => {
  it('shows the storage every account uses, and grows with an upload', async () => {
    const before = await withDb((db) => getTotalStorage(db))
    const { cookie } = await signedInUser()
    expect((await upload(cookie, 'panel.jpg', PHOTO_JPG)).status).toBe(201)
    const after = await withDb((db) => getTotalStorage(db))
    expect(after.files).toBeGreaterThanOrEqual(before.files + 1)
    expect(after.bytes).toBeGreaterThanOrEqual(before.bytes + PHOTO_JPG.byteLength)
    const admin = await createTestUser({ role: 'admin' })
    const html = await (await get('/admin', await loginCookie(admin.email))).text()
    expect(html).toContain('id="panel-storage"')
    expect(html).toMatch(/Storage used<\/p><p class="title is-4">[\d.,]+ (B|KiB|MiB|GiB)</)
  })
})

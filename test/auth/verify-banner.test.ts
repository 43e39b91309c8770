import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie } from './helpers'

const BANNER = 'Please verify your email address'

describe('unverified banner (issue 4: unverified users see a banner)', () => {
  it('shows on every page while the address is unverified, pointing at /verify-email', async () => {
    const user = await createTestUser({ verified: false })
    const cookie = await loginCookie(user.email)
    for (const path of ['/', '/about', '/contact', '/dashboard', '/settings']) {
      const html = await (await get(path, cookie)).text()
      expect(html, path).toContain(BANNER)
      expect(html, path).toContain('href="/verify-email"')
      expect(html.split(BANNER), path).toHaveLength(2) // once, not twice
    }
    // Not on the page where the code is entered: it would only repeat the page.
    expect(await (await get('/verify-email', cookie)).text()).not.toContain(BANNER)
  })

  it('is absent for verified users and visitors', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    expect(await (await get('/dashboard', cookie)).text()).not.toContain(BANNER)
    expect(await (await get('/')).text()).not.toContain(BANNER)
  })
})

import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie } from '../auth/helpers'

const cardsOf = (html: string) => html.slice(html.indexOf('<div class="columns is-multiline">'), html.indexOf('</main>'))

describe('/dashboard', () => {
  it('sends a visitor to log in', async () => {
    const res = await get('/dashboard')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Fdashboard')
  })

  it('shows the verification state and the cards of the listed features', async () => {
    const unverified = await createTestUser({ verified: false })
    expect(await (await get('/dashboard', await loginCookie(unverified.email))).text()).toContain('Email not verified')
    const verified = await createTestUser()
    const html = await (await get('/dashboard', await loginCookie(verified.email))).text()
    expect(html).toContain('Email verified')
    expect(cardsOf(html)).toContain('<h2 class="title is-5">Settings</h2>')
    expect(cardsOf(html)).not.toContain('<h2 class="title is-5">Admin</h2>')
  })

  it('every link on an admin’s dashboard leads to a page that exists, never a 404', async () => {
    const admin = await createTestUser({ role: 'admin' })
    const cookie = await loginCookie(admin.email)
    const html = await (await get('/dashboard', cookie)).text()
    const hrefs = [...new Set([...cardsOf(html).matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1]!))]
    expect(hrefs).toEqual(expect.arrayContaining(['/settings', '/admin']))
    for (const href of hrefs) expect((await get(href, cookie)).status, href).toBe(200)
  })
})

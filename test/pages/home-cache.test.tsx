import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { features } from '../../src/index'
import { createApp } from '../../src/platform/app'
import type { Feature } from '../../src/platform/feature'
import { createTestUser, loginCookie } from '../auth/helpers'

// Issue 23: a visitor's home page is rendered once per layout key and kept while every home section's data
// is the same object. These tests vary each thing the page depends on and expect what a fresh render gives.

// A feature of the test's own making: a home section whose data the test swaps, and a banner it switches on.
let sectionData: { text: string } = { text: 'first catalogue' }
let renders = 0
const probe: Feature = {
  name: 'probe',
  homeSections: [{
    id: 'probe',
    order: 99,
    load: async () => sectionData,
    render: (data: { text: string }) => {
      renders++
      return <p class="probe-section">{data.text}</p>
    },
  }],
  banners: [{ id: 'probe', render: (c) => (c.req.header('x-probe-banner') ? <p class="probe-banner">A banner for visitors</p> : null) }],
}
const { worker } = createApp([...features, probe])

// The public navbar's right-hand side: sign-up and log-in for a visitor, the way into the app when signed in.
const navbarEnd = (html: string) => html.slice(html.indexOf('<div class="navbar-end">'), html.indexOf('</nav>'))

async function home(headers: Record<string, string> = {}) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request('http://localhost/', { headers, redirect: 'manual' }), env, ctx)
  await waitOnExecutionContext(ctx)
  return { res, html: await res.text() }
}

describe("a visitor's home page, rendered once", () => {
  it('is the same page on every view while its sections hand back the same data', async () => {
    const first = await home()
    const rendered = renders
    const second = await home()
    // Served from the cache: the section was not rendered again.
    expect(renders).toBe(rendered)
    expect(first.res.status).toBe(200)
    expect(second.res.headers.get('content-type')).toBe(first.res.headers.get('content-type'))
    expect(second.html).toBe(first.html)
    expect(second.html).toContain('first catalogue')
  })

  it('is rendered again when a section hands back new data (the catalogue reloaded)', async () => {
    expect((await home()).html).toContain('first catalogue')
    sectionData = { text: 'second catalogue' }
    const { html } = await home()
    expect(html).toContain('second catalogue')
    expect(html).not.toContain('first catalogue')
  })

  it('follows the theme cookie', async () => {
    const dark = await home({ cookie: 'theme=dark' })
    const none = await home()
    const light = await home({ cookie: 'theme=light' })
    expect(dark.html).toContain('<html lang="en" data-theme="dark">')
    expect(light.html).toContain('<html lang="en" data-theme="light">')
    expect(none.html).toContain('<html lang="en">')
    expect((await home({ cookie: 'theme=dark' })).html).toBe(dark.html)
  })

  it('is never served with a flash message, a banner or to someone signed in', async () => {
    const visitor = (await home()).html
    const flash = await home({ cookie: `qs_flash=${encodeURIComponent(JSON.stringify({ kind: 'success', message: 'Your message was sent.' }))}` })
    expect(flash.html).toContain('Your message was sent.')
    expect((await home({ 'x-probe-banner': '1' })).html).toContain('A banner for visitors')
    const user = await createTestUser({ name: 'Home Visitor' })
    const signedIn = await home({ cookie: await loginCookie(user.email) })
    expect(navbarEnd(signedIn.html)).toContain('href="/dashboard"')
    expect(navbarEnd(signedIn.html)).not.toContain('href="/signup"')
    // And none of them replaced the visitor's page.
    const after = (await home()).html
    expect(after).toBe(visitor)
    expect(after).not.toContain('Your message was sent.')
    expect(after).not.toContain('A banner for visitors')
    expect(navbarEnd(after)).toContain('href="/signup"')
    expect(navbarEnd(after)).not.toContain('href="/dashboard"')
  })
})

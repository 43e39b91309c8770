import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { request } from '../helpers/http'

describe('public pages', () => {
  it.each([
    ['/', 'Launch your SaaS on the edge'],
    // The name from wrangler.toml's [vars]: a project made by `quickscale init` has its own.
    ['/about', `About ${env.APP_NAME}`],
    ['/contact', 'Contact us'],
  ])('%s renders inside the layout', async (path, heading) => {
    const res = await request(path)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    const html = await res.text()
    expect(html).toMatch(/^<!DOCTYPE html>/i)
    expect(html).toContain(heading)
    expect(html).toContain('<main id="main">')
    expect(html).toContain('aria-label="Main navigation"')
    expect(html).toContain('/vendor/htmx.min.js')
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs|jsdelivr)/)
  })

  it('home shows the feature list and the pricing teaser', async () => {
    const html = await (await request('/')).text()
    expect(html).toContain('Everything a SaaS needs on day one')
    expect(html).toContain('Simple pricing')
    expect(html.match(/class="card pricing-card"/g)).toHaveLength(3)
  })

  it('marks the current page in the navbar', async () => {
    const html = await (await request('/about')).text()
    expect(html).toMatch(/<a class="navbar-item is-active" href="\/about" aria-current="page">About<\/a>/)
  })
})

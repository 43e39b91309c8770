import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { request } from '../helpers/http'
import { withDb } from '../helpers/db'
import { listPlans } from '../../src/billing'
import { TAGLINE, fillAppName } from '../../src/site.config'

// The hero's title is the tagline `quickscale init --tagline` writes, as the page escapes it.
const heroTitle = fillAppName(TAGLINE, env.APP_NAME).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

describe('public pages', () => {
  it.each([
    ['/', heroTitle],
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

  it('home shows the feature list and the pricing teaser with each active plan\'s name and monthly price, in order', async () => {
    const html = await (await request('/')).text()
    expect(html).toContain('Everything a SaaS needs on day one')
    expect(html).toContain('Simple pricing')
    const plans = await withDb((db) => listPlans(db))
    expect(plans.length).toBeGreaterThan(0)
    const cards = html.split('class="card pricing-card"').slice(1)
    expect(cards).toHaveLength(plans.length)
    plans.forEach((plan, i) => {
      expect(cards[i]).toContain(`<h3 class="title is-4">${plan.name}</h3>`)
      // The amount from the plans table, in whole units when it has no cents ("$19"): not copy.
      const amount = plan.monthlyPrice % 100 === 0 ? String(plan.monthlyPrice / 100) : (plan.monthlyPrice / 100).toFixed(2)
      expect(cards[i]).toMatch(new RegExp(`is-size-3 has-text-weight-bold">[^<0-9]*${amount.replace('.', '\\.')}<span`))
    })
  })

  it('marks the current page in the navbar', async () => {
    const html = await (await request('/about')).text()
    expect(html).toMatch(/<a class="navbar-item is-active" href="\/about" aria-current="page">About<\/a>/)
  })
})

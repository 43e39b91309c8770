import type { MeterSpec } from './metered'
import type { FeatureNames } from './names'

// The generated feature's test (ADR 0072), run in the workers project as generated. The import path is a
// variable so that the boundary test's scan of src/ does not read this template's text as an import.
const SRC_FROM_TEST = '../../src'

export function testFile(n: FeatureNames, metered?: MeterSpec): string {
  const METRIC = `${n.snake.toUpperCase()}_METRIC`
  return `${metered ? `import { env } from 'cloudflare:workers'\n` : ''}import { describe, expect, it } from 'vitest'
import { postForm } from '../helpers/http'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie } from '../auth/helpers'
import { delete${n.pascal}ItemsOfUser, list${n.pascal}Items${metered ? `, ${METRIC}` : ''} } from '${SRC_FROM_TEST}/${n.kebab}'
${metered ? `import { consumeQuota } from '${SRC_FROM_TEST}/usage'\nimport { FREE_PLAN_ID, getPlan } from '${SRC_FROM_TEST}/billing'\n` : ''}
// Generated with the feature (\`quickscale generate feature ${n.kebab}\`): the real Worker, real Postgres.
async function signedIn() {
  const user = await createTestUser()
  return { user, cookie: await loginCookie(user.email, user.password) }
}
${metered ? `
/** The Free plan's limit of the feature's meter, as its migration set it (null: no limit; new users are on Free). */
async function freeLimit(): Promise<number | null> {
  const plan = await withDb((db) => getPlan(db, FREE_PLAN_ID))
  const limit = plan?.meterLimits[${METRIC}] ?? 0
  return limit < 0 ? null : limit
}
` : ''}
// The first request of a file loads the Worker, which can take a while on a busy machine.
describe('${n.kebab}', { timeout: 60_000 }, () => {
  it('sends visitors to log in', async () => {
    const res = await get('/${n.kebab}')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2F${n.kebab}')
  })

  it('renders in the app shell, with its link in the sidebar', async () => {
    const { cookie } = await signedIn()
    const res = await get('/${n.kebab}', cookie)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('id="app-sidebar"')
    expect(html.slice(html.indexOf('id="app-sidebar"'), html.indexOf('</aside>'))).toContain('href="/${n.kebab}"')
  })

  it('adds an item and lists it for its owner only (authorization)', async (${metered ? '{ skip }' : ''}) => {
${metered ? `    if ((await freeLimit()) === 0) skip('the Free plan has no ${metered.noun}: nothing to add')
` : ''}    const { user, cookie } = await signedIn()
    const title = \`item \${crypto.randomUUID()}\`
    const res = await postForm('/${n.kebab}', { title }, { headers: { cookie } })
    expect(res.status).toBe(303)
    expect(await (await get('/${n.kebab}', cookie)).text()).toContain(title)
    const other = await signedIn()
    const page = await get('/${n.kebab}', other.cookie)
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain(title)
    await withDb((db) => delete${n.pascal}ItemsOfUser(db, user.id))
    expect(await withDb((db) => list${n.pascal}Items(db, user.id))).toEqual([])
  })

  it('answers an empty title with 422 and the form fragment (htmx)', async () => {
    const { cookie } = await signedIn()
    const res = await postForm('/${n.kebab}', { title: '  ' }, { headers: { cookie }, htmx: true })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('id="${n.kebab}-panel"')
    expect(html).toContain('Enter a title.')
    expect(html).not.toContain('<html')
  })

  it('refuses a cross-site post (CSRF) and an oversized body', async () => {
    const { cookie } = await signedIn()
    const csrf = await postForm('/${n.kebab}', { title: 'x' }, { headers: { cookie, origin: 'https://evil.example' } })
    expect(csrf.status).toBe(403)
    const big = await postForm('/${n.kebab}', { title: 'x'.repeat(20_000) }, { headers: { cookie } })
    expect(big.status).toBe(413)
  })
${metered ? meteredTests(n, metered, METRIC) : ''}})
`
}

function meteredTests(n: FeatureNames, spec: MeterSpec, METRIC: string): string {
  return `
  it("shows its meter on /usage with the plan's limit", async () => {
    const { cookie } = await signedIn()
    const limit = await freeLimit()
    const html = await (await get('/usage', cookie)).text()
    expect(html).toMatch(new RegExp(\`id="quota-\${${METRIC}}-label"[^>]*>${spec.noun.charAt(0).toUpperCase() + spec.noun.slice(1)} this period<\`))
    const figures = limit === null ? '0 (no limit)' : \`0 of \${new Intl.NumberFormat('en-US').format(limit)} (\${limit === 0 ? 100 : 0}%)\`
    expect(html).toContain(\`id="quota-\${${METRIC}}-text">\${figures}<\`)
  })

  it('refuses an item past the plan limit with the usage meter\\'s 429 and upgrade message', async () => {
    const { user, cookie } = await signedIn()
    const limit = await freeLimit()
    // Up to the limit in one step, through the same meter the route consumes from.
    const upTo = await withDb((db) => consumeQuota(env, user.id, [{ metric: ${METRIC}, amount: limit ?? 1_000_000 }], { db, now: new Date() }))
    expect(upTo.allowed).toBe(true)
    const title = \`over \${crypto.randomUUID()}\`
    const res = await postForm('/${n.kebab}', { title }, { headers: { cookie } })
    if (limit === null) {
      // No limit on Free: never refused.
      expect(res.status).toBe(303)
      return
    }
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await res.text()).toContain('limit of ${spec.noun} for this period')
    const htmx = await postForm('/${n.kebab}', { title }, { headers: { cookie }, htmx: true })
    expect(htmx.status).toBe(429)
    expect(htmx.headers.get('hx-retarget')).toBe('#flash-region')
    expect(await (await get('/${n.kebab}', cookie)).text()).not.toContain(title)
  })
`
}

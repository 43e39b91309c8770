import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import { sendEmail } from '../../src/email/send-email'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { uniqueAddress, waitForMail } from '../helpers/mail'
import { templates } from '../../templates'

// The worker as `npm run dev` runs it (ENVIRONMENT=development), or as production.
async function fetchAs(environment: string, path: string): Promise<Response> {
  const ctx = createExecutionContext()
  const res = await worker.fetch!(new Request(new URL(path, 'http://localhost')), { ...env, ENVIRONMENT: environment }, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

async function queueTwoMails(to: string) {
  await withDb(async (db) => {
    await sendEmail({ db, queue: env.EMAIL }, { template: 'verify-email', to, props: { name: 'Ada <b>', verifyUrl: 'http://localhost/verify-email?token=abc', code: '12345678', expiresInMinutes: 30 } })
    await waitForMail(to, { template: 'verify-email' })
    await sendEmail({ db, queue: env.EMAIL }, { template: 'password-reset', to, props: { name: 'Ada', resetUrl: 'http://localhost/reset-password?token=def', expiresInMinutes: 60 } })
    await waitForMail(to, { template: 'password-reset' })
  })
}

const DEV_PATHS = ['/dev/mail', '/dev/mail.json', '/dev/mail/templates', '/dev/mail/templates/welcome', `/dev/mail/${crypto.randomUUID()}`]

describe('/dev/mail outside development', () => {
  it.each(DEV_PATHS)('%s is a 404 in the test environment', async (path) => {
    const res = await request(path)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('Page not found')
  })

  it.each(DEV_PATHS)('%s is a 404 in production', async (path) => {
    const res = await fetchAs('production', path)
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('Outbox')
  })
})

describe('/dev/mail in development', () => {
  it('/dev/mail.json lists the outbox newest first, filtered by recipient', async () => {
    const to = uniqueAddress('outbox')
    await queueTwoMails(to)
    const res = await fetchAs('development', `/dev/mail.json?to=${encodeURIComponent(to)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const mails = (await res.json()) as Array<Record<string, string>>
    expect(mails).toHaveLength(2)
    expect(Object.keys(mails[0]).sort()).toEqual(['createdAt', 'html', 'id', 'subject', 'template', 'text', 'to'])
    expect(mails.map((m) => m.template)).toEqual(['password-reset', 'verify-email'])
    expect(mails[1]).toMatchObject({ to, subject: `Verify your email address for ${env.APP_NAME}` })
    expect(mails[1].text).toContain('http://localhost/verify-email?token=abc')
    expect(mails[1].text).toContain('12345678')
    expect(mails[1].html).toContain('href="http://localhost/verify-email?token=abc"')
    expect(Date.parse(mails[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(mails[1].createdAt))
  })

  it('/dev/mail shows each mail as HTML (sandboxed frame) and as text', async () => {
    const to = uniqueAddress('outbox')
    await queueTwoMails(to)
    const res = await fetchAs('development', `/dev/mail?to=${encodeURIComponent(to)}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1 class="title">Outbox</h1>')
    expect(html.indexOf(`Reset your ${env.APP_NAME} password`)).toBeLessThan(html.indexOf(`Verify your email address for ${env.APP_NAME}`))
    expect(html.match(/<iframe class="mail-frame" src="\/dev\/mail\/[0-9a-f-]{36}"[^>]*sandbox="allow-popups allow-popups-to-escape-sandbox"/g)).toHaveLength(2)
    expect(html).toContain('http://localhost/reset-password?token=def')
    // The user-supplied name is escaped on the page, as in the mail.
    expect(html).toContain('Hi Ada &lt;b&gt;,')
    // The page itself keeps the site's strict policy.
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })

  it('/dev/mail/:id serves the stored HTML under a policy that allows its inline styles and nothing active', async () => {
    const to = uniqueAddress('outbox')
    await queueTwoMails(to)
    const list = (await (await fetchAs('development', `/dev/mail.json?to=${encodeURIComponent(to)}`)).json()) as Array<{ id: string; html: string }>
    const res = await fetchAs('development', `/dev/mail/${list[0].id}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(list[0].html)
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("style-src 'unsafe-inline'")
    expect(csp).toContain("frame-ancestors 'self'")
    expect(csp).toMatch(/sandbox allow-popups/)
    expect(csp).not.toContain('script-src')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await fetchAs('development', `/dev/mail/${crypto.randomUUID()}`)).status).toBe(404)
    expect((await fetchAs('development', '/dev/mail/not-a-uuid')).status).toBe(404)
  })

  it('/dev/mail/templates renders every template with its sample props', async () => {
    const res = await fetchAs('development', '/dev/mail/templates')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html.match(/<iframe class="mail-frame" src="\/dev\/mail\/templates\/[a-z-]+"/g)).toHaveLength(Object.keys(templates).length)
    const one = await fetchAs('development', '/dev/mail/templates/quota-warning')
    expect(one.status).toBe(200)
    expect(await one.text()).toContain('40,000 of 50,000 API requests')
    expect((await fetchAs('development', '/dev/mail/templates/nope')).status).toBe(404)
  })
})

import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { eq, inArray } from 'drizzle-orm'
import { postForm } from '../helpers/http'
import { withDb } from '../helpers/db'
import { contactMessages } from '../../src/pages/schema'
import { emailDeliveries } from '../../src/email/schema'
import { CONTACT_IP_LIMIT, consumeContactAllowance } from '../../src/pages/contact-throttle'

// Issue 9, finding 3 (checklist 23): the contact form queues a mail to the admin on every post, spending
// the quota that verification and reset mail need, so it is throttled per client address.
function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3))
  return `10.${b[0]}.${b[1]}.${b[2]}`
}

function fields(email: string) {
  return { name: 'Flood Tester', email, subject: 'Again', message: 'One more message for the admin inbox.' }
}

// The window is filled through the same Durable Object the route uses (our own binding, not a mock), so
// the test sends only the requests around the boundary.
async function spend(ip: string, n: number) {
  for (let i = 0; i < n; i++) await consumeContactAllowance(env, ip, new Date())
}

describe('contact form throttle (per IP)', () => {
  it(`allows ${CONTACT_IP_LIMIT.max} messages an hour, then answers 429 with a clear message; nothing stored or mailed`, async () => {
    const ip = randomIp()
    await spend(ip, CONTACT_IP_LIMIT.max - 1)
    const last = `contact-${crypto.randomUUID()}@example.com`
    expect((await postForm('/contact', fields(last), { headers: { 'cf-connecting-ip': ip } })).status).toBe(303)
    const refused = `contact-${crypto.randomUUID()}@example.com`
    const page = await postForm('/contact', fields(refused), { headers: { 'cf-connecting-ip': ip } })
    expect(page.status).toBe(429)
    const html = await page.text()
    expect(html).toContain('<html')
    expect(html).toContain('You have sent several messages in a short time')
    // What was typed is kept, so nothing is lost while waiting.
    expect(html).toContain('One more message for the admin inbox.')

    const fragment = await postForm('/contact', fields(refused), { headers: { 'cf-connecting-ip': ip }, htmx: true })
    expect(fragment.status).toBe(429)
    const part = await fragment.text()
    expect(part).not.toContain('<html')
    expect(part).toMatch(/^<form id="contact-form"/)
    expect(part).toContain('You have sent several messages in a short time')

    expect(await withDb((db) => db.select().from(contactMessages).where(inArray(contactMessages.email, [last, refused])))).toHaveLength(1)
    expect(await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.recipient, env.ADMIN_EMAIL)))).not.toHaveLength(0)
  }, 60_000)

  it('another address is not affected', async () => {
    const busy = randomIp()
    await spend(busy, CONTACT_IP_LIMIT.max)
    expect((await postForm('/contact', fields('busy@example.com'), { headers: { 'cf-connecting-ip': busy } })).status).toBe(429)
    expect((await postForm('/contact', fields(`calm-${crypto.randomUUID()}@example.com`), { headers: { 'cf-connecting-ip': randomIp() } })).status).toBe(303)
  })
})

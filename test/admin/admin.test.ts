import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestUser, get, loginCookie } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { postForm } from '../helpers/http'
import { emailDeliveries } from '../../src/email/schema'
import { waitForMail } from '../helpers/mail'

describe('/admin', () => {
  it('sends a visitor to log in and refuses a plain user', async () => {
    const anonymous = await get('/admin')
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fadmin')
    const user = await createTestUser()
    const res = await get('/admin', await loginCookie(user.email))
    expect(res.status).toBe(403)
    expect(await res.text()).not.toContain('Contact messages')
  })

  it('shows an admin the newest contact messages, escaped and out of htmx reach (checklist 16)', async () => {
    const subject = `Admin test ${crypto.randomUUID().slice(0, 8)}`
    const hostile = '<img src=x onerror=alert(1)> <button hx-post="/logout" hx-trigger="load">x</button>'
    const sent = await postForm('/contact', { name: 'Eve', email: 'eve@example.com', subject, message: hostile })
    expect(sent.status).toBe(303)
    const admin = await createTestUser({ role: 'admin' })
    const res = await get('/admin', await loginCookie(admin.email))
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(subject)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toContain('<button hx-post="/logout"')
    expect(html).toMatch(/<div class="admin-messages" hx-disable(="[^"]*")?>[\s\S]*Admin test/)
  })

  it('shows what mail went out and what failed', async () => {
    const admin = await createTestUser({ role: 'admin' })
    // A real delivery through the queue (the contact form mails ADMIN_EMAIL) and a failed one.
    const subject = `Mail test ${crypto.randomUUID().slice(0, 8)}`
    await postForm('/contact', { name: 'Mallory', email: 'mallory@example.com', subject, message: 'Hello admin, this is a test.' })
    const failedTo = `failed-${crypto.randomUUID().slice(0, 8)}@example.com`
    await withDb((db) => db.insert(emailDeliveries).values({ template: 'welcome', recipient: failedTo, status: 'failed', attempts: 6, error: 'gave up after 6 attempts; last error: 503' }))
    const failedBefore = (await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.status, 'failed')))).length
    const html = await (await get('/admin', await loginCookie(admin.email))).text()
    expect(html).toContain(failedTo)
    expect(html).toContain('gave up after 6 attempts')
    expect(html).toMatch(new RegExp(`Mail failed</p><p class="title is-4 has-text-danger-dark">${failedBefore}<`))
    await waitForMail('admin@example.com', { template: 'contact-received' })
  })
})

import { describe, expect, it } from 'vitest'
import { exports } from 'cloudflare:workers'
import { eq } from 'drizzle-orm'
import { ORIGIN, postForm, request } from '../helpers/http'
import { withDb } from '../helpers/db'
import { contactMessages } from '../../src/pages/schema'

// Every test writes under its own address, so the shared Postgres never needs truncating.
function uniqueEmail(tag: string): string {
  return `${tag}-${crypto.randomUUID()}@example.com`
}

function validFields(email: string) {
  return { name: 'Grace Hopper', email, subject: 'A question', message: 'How do I deploy this to production?' }
}

function storedFor(email: string) {
  return withDb((db) => db.select().from(contactMessages).where(eq(contactMessages.email, email)))
}

describe('contact form: valid input', () => {
  it('without JavaScript: stores the row, answers 303 and shows the flash on the next GET', async () => {
    const email = uniqueEmail('nojs')
    const res = await postForm('/contact', validFields(email))
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/contact')

    const rows = await storedFor(email)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ name: 'Grace Hopper', subject: 'A question', message: 'How do I deploy this to production?' })
    expect(rows[0].createdAt).toBeInstanceOf(Date)

    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^qs_flash=/)
    expect(cookie).toMatch(/HttpOnly/i)
    const next = await request('/contact', { headers: { cookie: cookie.split(';')[0] } })
    expect(next.status).toBe(200)
    const html = await next.text()
    expect(html).toMatch(/<div class="notification is-success is-light" role="status">\s*Thank you/)
  })

  it('through htmx: stores the row and returns the success fragment (no layout)', async () => {
    const email = uniqueEmail('htmx')
    const res = await postForm('/contact', validFields(email), { htmx: true })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toContain('<html')
    expect(html).toMatch(/^<form id="contact-form"/)
    expect(html).toContain('your message has been sent')
    // The fresh form comes back empty, ready for another message.
    expect(html).not.toContain(email)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(await storedFor(email)).toHaveLength(1)
  })

  it('trims whitespace before storing', async () => {
    const email = uniqueEmail('trim')
    const res = await postForm('/contact', { ...validFields(email), name: '  Ada  ', email: `  ${email} ` })
    expect(res.status).toBe(303)
    const rows = await storedFor(email)
    expect(rows.map((r) => r.name)).toEqual(['Ada'])
  })
})

describe('contact form: invalid input', () => {
  const invalid = (email: string) => ({ name: '', email: 'not-an-email', subject: 'Hi', message: 'short', marker: email })

  it('without JavaScript: 422 full page with inline errors and the values kept, nothing stored', async () => {
    const email = uniqueEmail('bad')
    const res = await postForm('/contact', { ...validFields(email), email: `x${email}@`, message: 'short' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toMatch(/^<!DOCTYPE html>/i)
    expect(html).toContain('Please enter a valid email address.')
    expect(html).toContain('Your message must be at least 10 characters.')
    expect(html).toContain('Please correct the 2 highlighted fields.')
    expect(html).toMatch(/id="field-email"[^>]*aria-invalid="true"[^>]*aria-describedby="field-email-error"/)
    expect(html).toContain('value="Grace Hopper"')
    expect(await storedFor(`x${email}@`)).toHaveLength(0)
  })

  it('through htmx: 422 form fragment with the errors, nothing stored', async () => {
    const email = uniqueEmail('bad-htmx')
    const res = await postForm('/contact', invalid(email), { htmx: true })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).not.toContain('<html')
    expect(html).toMatch(/^<form id="contact-form"/)
    expect(html).toContain('Please tell us your name.')
    expect(html).toContain('Please enter a valid email address.')
    expect(html).toContain('Your message must be at least 10 characters.')
    expect(html).toContain('value="not-an-email"')
    const rows = await withDb((db) => db.select().from(contactMessages).where(eq(contactMessages.email, 'not-an-email')))
    expect(rows).toHaveLength(0)
  })

  it('escapes what the user typed (no HTML injection through the error page)', async () => {
    const res = await postForm('/contact', { name: '<script>alert(1)</script>', email: 'x', subject: 's', message: 'm' }, { htmx: true })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('a message over 5,000 characters (but under the body limit) is a validation error', async () => {
    const email = uniqueEmail('long')
    const res = await postForm('/contact', { ...validFields(email), message: 'a'.repeat(5001) }, { htmx: true })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Your message must be at most 5,000 characters.')
    expect(await storedFor(email)).toHaveLength(0)
  })
})

describe('contact form: oversized body', () => {
  it('413 with a clear message and nothing stored', async () => {
    const email = uniqueEmail('huge')
    const res = await postForm('/contact', { ...validFields(email), message: 'x'.repeat(70 * 1024) })
    expect(res.status).toBe(413)
    const html = await res.text()
    expect(html).toContain('Your message is too large to send')
    expect(html).toMatch(/^<!DOCTYPE html>/i)
    expect(await storedFor(email)).toHaveLength(0)
  })

  it('413 for htmx is a fragment retargeted to the flash region', async () => {
    const email = uniqueEmail('huge-htmx')
    const res = await postForm('/contact', { ...validFields(email), message: 'x'.repeat(70 * 1024) }, { htmx: true })
    expect(res.status).toBe(413)
    expect(res.headers.get('hx-retarget')).toBe('#flash-region')
    expect(await res.text()).toContain('Your message is too large to send')
    expect(await storedFor(email)).toHaveLength(0)
  })

  it('413 even when the body is streamed without a Content-Length', async () => {
    const email = uniqueEmail('huge-stream')
    const body = new URLSearchParams({ ...validFields(email), message: 'x'.repeat(70 * 1024) }).toString()
    const stream = new Blob([body]).stream()
    const res = await exports.default.fetch(new Request(`${ORIGIN}/contact`, {
      method: 'POST',
      body: stream,
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      // @ts-expect-error duplex is required for stream bodies in fetch()
      duplex: 'half',
    }))
    expect(res.status).toBe(413)
    expect(await storedFor(email)).toHaveLength(0)
  })
})

describe('contact form: CSRF (security checklist 14)', () => {
  function rawPost(headers: Record<string, string>, body: BodyInit) {
    return exports.default.fetch(new Request(`${ORIGIN}/contact`, { method: 'POST', headers, body, redirect: 'manual' }))
  }

  it('a cross-origin form POST gets 403 and nothing is stored', async () => {
    const email = uniqueEmail('evil')
    const res = await postForm('/contact', validFields(email), { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('came from another site')
    expect(await storedFor(email)).toHaveLength(0)
  })

  it('a cross-origin JSON POST gets 403 (not only form content types are checked)', async () => {
    const email = uniqueEmail('evil-json')
    const res = await rawPost({ origin: 'https://evil.example', 'content-type': 'application/json' }, JSON.stringify(validFields(email)))
    expect(res.status).toBe(403)
    expect(await storedFor(email)).toHaveLength(0)
  })

  it('Sec-Fetch-Site: cross-site gets 403 even with a matching Origin', async () => {
    const email = uniqueEmail('xsite')
    const res = await rawPost(
      { origin: ORIGIN, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(validFields(email)),
    )
    expect(res.status).toBe(403)
    expect(await storedFor(email)).toHaveLength(0)
  })

  it('Sec-Fetch-Site: same-site (a sibling subdomain) gets 403', async () => {
    const res = await rawPost({ 'sec-fetch-site': 'same-site', 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(validFields(uniqueEmail('sibling'))))
    expect(res.status).toBe(403)
  })

  it('a POST with neither Origin nor Sec-Fetch-Site gets 403', async () => {
    const res = await rawPost({ 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(validFields(uniqueEmail('bare'))))
    expect(res.status).toBe(403)
  })

  it('same-origin via Sec-Fetch-Site alone (no Origin) is allowed', async () => {
    const email = uniqueEmail('sfs')
    const res = await rawPost({ 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(validFields(email)))
    expect(res.status).toBe(303)
    expect(await storedFor(email)).toHaveLength(1)
  })

  it('the 403 for htmx is a fragment, not a page', async () => {
    const res = await postForm('/contact', validFields(uniqueEmail('evil-htmx')), { htmx: true, headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(res.headers.get('hx-retarget')).toBe('#flash-region')
    expect(await res.text()).not.toContain('<html')
  })
})

import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie } from './helpers'

// Checklist 16: user data never reaches the page as markup. hono/jsx escapes every text node and
// attribute; these tests pin that for the places where a user's own words come back to them.
const HOSTILE_NAME = `<img src=x onerror=alert(1)> <div hx-get="/logout" hx-trigger="load">x</div>`

describe('user-supplied text is escaped (checklist 16)', () => {
  it.each(['/dashboard', '/settings'])('%s shows a hostile name as text', async (path) => {
    const user = await createTestUser({ name: HOSTILE_NAME })
    const cookie = await loginCookie(user.email)
    const res = await get(path, cookie)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<div hx-get="/logout"')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})

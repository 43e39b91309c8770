import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { KEY, api } from './helpers'

async function signedIn() {
  const user = await createTestUser({ verified: true })
  return loginCookie(user.email)
}

const origin = new URL(env.APP_URL).origin
const unescape = (html: string) => html.replace(/&quot;/g, '"').replace(/&amp;/g, '&')

describe('API keys page: copy buttons and a ready curl command', () => {
  it('a new key comes with a copy button and a curl command holding that key and the app origin, which works', async () => {
    const cookie = await signedIn()
    for (const htmx of [false, true]) {
      const res = await post('/settings/api-keys', { name: htmx ? 'fragment' : 'page' }, cookie, { htmx })
      expect(res.status).toBe(200)
      const html = unescape(await res.text())
      const key = KEY.exec(html)![0]
      const curl = new RegExp(`curl -H "Authorization: Bearer (${KEY.source})" \\\\\\n  (\\S+)</code>`).exec(html)
      expect(curl?.[1]).toBe(key)
      expect(curl?.[2]).toBe(`${origin}/api/v1/usage`)
      // Two copy components (the key, the command), each with a source, a button hidden until Alpine
      // runs, and a live region for "Copied".
      expect(html.match(/x-data="copyable"/g)).toHaveLength(2)
      expect(html.match(/x-ref="source"/g)).toHaveLength(2)
      expect(html.match(/<span x-bind="copyControl" hidden(="")?>/g)).toHaveLength(2)
      expect(html.match(/role="status" aria-live="polite" x-text="status"/g)).toHaveLength(2)
      // The command, pasted, answers.
      const path = new URL(curl![2]!).pathname
      expect((await api(path, curl![1])).status).toBe(200)
    }
  })

  it('once the key is no longer shown, the command has a placeholder and no key', async () => {
    const cookie = await signedIn()
    await post('/settings/api-keys', { name: 'earlier' }, cookie)
    const html = unescape(await (await get('/settings/api-keys', cookie)).text())
    expect(html).not.toMatch(KEY)
    expect(html).toContain(`curl -H "Authorization: Bearer $API_KEY" \\\n  ${origin}/api/v1/usage`)
    expect(html.match(/x-data="copyable"/g)).toHaveLength(1)
    expect(html).toContain('href="/docs/api"')
  })
})

import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import headersFile from '../../public/_headers?raw'
import versions from '../../src/platform/asset-versions.generated.json'
import { assetUrl } from '../../src/platform/assets'
import { createTestUser, get, loginCookie } from '../auth/helpers'
import { request } from '../helpers/http'

// ADR 0105: public/_headers lets the browser keep some files a year without asking again (`immutable`).
// That is only right if every page asks for them by a URL that changes with their content. So: every
// such file is asked for with `?v=` and its current hash, on every kind of page, and only files that
// exist are named.

/** The paths public/_headers gives `immutable`. */
function immutablePaths(): string[] {
  const paths: string[] = []
  let current: string | null = null
  for (const line of headersFile.split('\n')) {
    if (line.startsWith('/')) current = line.trim()
    else if (current && /^\s+Cache-Control:.*\bimmutable\b/i.test(line)) paths.push(current)
  }
  return paths
}

/** Every URL a page names in src, href, srcset, data-alpine-src or data-components-src, as written. */
function referencedUrls(html: string): string[] {
  const urls: string[] = []
  for (const m of html.matchAll(/\s(?:src|href|data-alpine-src|data-components-src)="([^"]+)"/g)) urls.push(m[1]!.replace(/&amp;/g, '&'))
  for (const m of html.matchAll(/\ssrcset="([^"]+)"/g)) urls.push(...m[1]!.split(',').map((part) => part.trim().split(/\s+/)[0]!))
  return urls
}

const VERSIONS: Record<string, string> = versions

describe('versioned asset URLs', () => {
  it('public/_headers makes immutable only files that exist, and no wildcard', () => {
    const paths = immutablePaths()
    expect(paths).toContain('/app.js')
    expect(paths).toContain('/vendor/site.css')
    for (const p of paths) {
      expect(p, 'a wildcard would make unversioned files immutable too').not.toContain('*')
      expect(VERSIONS[p], `${p} is not a file in public/`).toMatch(/^[0-9a-f]{12}$/)
    }
  })

  it('every page asks for each immutable file with its current hash', async () => {
    const member = await createTestUser({ verified: true })
    const cookie = await loginCookie(member.email)
    const pages = [
      await request('/'),
      // A named host (the test's APP_URL): the passkey scripts are on it.
      await request('/login'),
      await get('/dashboard', cookie),
      await get('/files', cookie),
    ]
    const immutable = new Set(immutablePaths())
    const seen = new Set<string>()
    for (const res of pages) {
      expect(res.status).toBe(200)
      for (const url of referencedUrls(await res.text())) {
        const parsed = new URL(url, env.APP_URL)
        if (parsed.origin !== new URL(env.APP_URL).origin || !immutable.has(parsed.pathname)) continue
        seen.add(parsed.pathname)
        expect(`${parsed.pathname}${parsed.search}`, `${url} on ${res.url}`).toBe(assetUrl(parsed.pathname))
      }
    }
    // The pages above use each of them, Alpine's and the components' URLs included (app.js loads them from
    // data-alpine-src and data-components-src).
    expect([...seen].sort()).toEqual([...immutable].sort())
  })

  it('assetUrl refuses a path that is not a file in public/', () => {
    expect(assetUrl('/app.js')).toBe(`/app.js?v=${VERSIONS['/app.js']}`)
    expect(() => assetUrl('/vendor/no-such-file.js')).toThrow(/not a file in public/)
  })
})

import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { get, post } from '../auth/helpers'
import { request } from '../helpers/http'
import { PHOTO_JPG } from '../fixtures/files/images'
import { filesFeature } from '../../src/files'
import { FILES_WRITE_LIMIT } from '../../src/files/guards'
import { MAX_PROJECTS } from '../../src/files/service'
import { withDb } from '../helpers/db'
import { signedInUser, storedFor, text, upload, usageOf } from './helpers'

async function uploadNamed(cookie: string, names: string[]) {
  for (const name of names) expect((await upload(cookie, name, text(`content of ${name} `.repeat(names.indexOf(name) + 1)))).status).toBe(201)
}

const namesIn = (html: string) => [...html.matchAll(/class="files-name(?: [^"]*)?">([^<]*)</g)].map((m) => m[1])

describe('the file browser', () => {
  it('empty state for a new account, and a different one when filters match nothing', async () => {
    const { cookie } = await signedInUser()
    const html = await (await get('/files', cookie)).text()
    expect(html).toContain('You have no files yet.')
    expect(html).toContain('x-data="uploader"')
    // Without JavaScript the panel is a plain multipart form with a labelled file input.
    expect(html).toMatch(/<form class="box upload-panel" method="post" action="\/files\/upload" enctype="multipart\/form-data"/)
    expect(html).toMatch(/<input id="upload-input" class="upload-input" type="file" name="files" multiple/)
    expect(html).toContain('<label class="upload-choose" for="upload-input">')
    await uploadNamed(cookie, ['a.txt'])
    // None of Bulma's file-input classes (top-level in Bulma: `.file-name` is max-width 16em, overflow
    // hidden) on the browser's own markup: it clipped the Download/Open links (issue 20).
    for (const view of ['list', 'grid']) {
      expect(await (await get(`/files?view=${view}`, cookie)).text()).not.toMatch(/class="(?:[^"]* )?file(?:-name|-label|-cta|-icon|-input)?(?: [^"]*)?"/)
    }
    expect(await (await get('/files?q=zzz', cookie)).text()).toContain('No files match these filters.')
  })

  it('sorts by name, size and date, filters by name, type and project, and answers htmx with the fragment only', async () => {
    const { cookie } = await signedInUser()
    await uploadNamed(cookie, ['beta.txt', 'alpha.csv', 'gamma.txt'])
    expect((await upload(cookie, 'photo.jpg', PHOTO_JPG)).status).toBe(201)
    expect(namesIn(await (await get('/files?sort=name', cookie)).text())).toEqual(['alpha.csv', 'beta.txt', 'gamma.txt', 'photo.jpg'])
    expect(namesIn(await (await get('/files?sort=size&dir=desc', cookie)).text())).toEqual(['photo.jpg', 'gamma.txt', 'alpha.csv', 'beta.txt'])
    expect(namesIn(await (await get('/files?sort=date&dir=asc', cookie)).text())).toEqual(['beta.txt', 'alpha.csv', 'gamma.txt', 'photo.jpg'])
    expect(namesIn(await (await get('/files?q=ALP', cookie)).text())).toEqual(['alpha.csv'])
    expect(namesIn(await (await get('/files?kind=image', cookie)).text())).toEqual(['photo.jpg'])
    const fragment = await (await get('/files?kind=text&sort=name&view=grid', cookie, { htmx: true, headers: { 'hx-target': 'file-browser' } })).text()
    expect(fragment.startsWith('<div id="file-browser"')).toBe(true)
    expect(fragment).toContain('files-grid')
    expect(namesIn(fragment)).toEqual(['alpha.csv', 'beta.txt', 'gamma.txt'])
    // A % in the search is a character, not a wildcard.
    expect(namesIn(await (await get('/files?q=%25', cookie)).text())).toEqual([])
  })

  it('paginates 24 a page with htmx links', async () => {
    const { cookie } = await signedInUser()
    await uploadNamed(cookie, Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')}.txt`))
    const first = await (await get('/files?sort=name', cookie)).text()
    expect(namesIn(first)).toHaveLength(24)
    expect(first).toContain('Page 1 of 2')
    expect(first).toContain('hx-get="/files?sort=name&amp;page=2"')
    expect(namesIn(await (await get('/files?sort=name&page=2', cookie)).text())).toEqual(['f24.txt'])
  })

  it('pending thumbnails poll their state; the state endpoint answers the finished state without polling', async () => {
    const { cookie } = await signedInUser()
    const { id } = await (await upload(cookie, 'photo.jpg', PHOTO_JPG)).json() as { id: string }
    const html = await (await get('/files', cookie)).text()
    expect(html).toContain(`hx-get="/files/${id}/thumbnail-state" hx-trigger="every 2s"`)
    const { setThumbnail } = await import('../../src/files/service')
    await withDb((db) => setThumbnail(db, id, { state: 'failed' }, new Date()))
    const state = await (await get(`/files/${id}/thumbnail-state`, cookie, { htmx: true })).text()
    expect(state).toContain('data-state="failed"')
    expect(state).toContain('aria-label="No thumbnail: could not be made"')
    expect(state).not.toContain('hx-trigger')
    // The list itself says so too, after the thumbnailer gave up (issue 21; the retries: test/thumbnailer).
    expect(await (await get('/files', cookie)).text()).toContain('>could not be made</span>')
  })

  it('an image refused before decoding says why: too large to preview, or could not read image (issue 19)', async () => {
    const { cookie } = await signedInUser()
    const { id } = await (await upload(cookie, 'photo.jpg', PHOTO_JPG)).json() as { id: string }
    const { setThumbnail } = await import('../../src/files/service')
    for (const [state, reason] of [['too_large', 'too large to preview'], ['unreadable', 'could not read image']] as const) {
      await withDb((db) => setThumbnail(db, id, { state }, new Date()))
      const fragment = await (await get(`/files/${id}/thumbnail-state`, cookie, { htmx: true })).text()
      expect(fragment).toContain(`data-state="${state}"`)
      expect(fragment).toContain(`aria-label="No thumbnail: ${reason}"`)
      expect(fragment).toContain(`>${reason}</span>`)
      expect(fragment).not.toContain('hx-trigger')
      expect(await (await get('/files', cookie)).text()).toContain(`aria-label="No thumbnail: ${reason}"`)
    }
  })
})

describe('file actions: rename, move, delete', () => {
  it('rename validates the name; move only into own projects; delete removes object and thumbnail and frees the quota', async () => {
    const { user, cookie } = await signedInUser()
    const { id } = await (await upload(cookie, 'photo.jpg', PHOTO_JPG)).json() as { id: string }
    const bad = await post(`/files/${id}/rename`, { name: 'a/b.jpg' }, cookie, { htmx: true })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('cannot contain / or \\')
    const renamed = await post(`/files/${id}/rename`, { name: 'Beach.jpg', back: '/files?sort=name' }, cookie)
    expect(renamed.status).toBe(303)
    expect(renamed.headers.get('location')).toBe('/files?sort=name')
    expect((await post(`/files/${id}/rename`, { name: 'x.jpg', back: 'https://evil.example/' }, cookie)).headers.get('location')).toBe('/files')

    await post('/files/projects', { name: 'Trips' }, cookie)
    const other = await signedInUser()
    await post('/files/projects', { name: 'Theirs' }, other.cookie)
    const mine = await projectIdNamed(user.id, 'Trips')
    const theirs = await projectIdNamed(other.user.id, 'Theirs')
    expect((await post(`/files/${id}/move`, { projectId: theirs }, cookie)).status).toBe(404)
    expect((await post(`/files/${id}/move`, { projectId: mine }, cookie)).status).toBe(303)
    expect((await storedFor(user.id)).rows[0]!.projectId).toBe(mine)

    // A thumbnail object as the thumbnailer would leave it.
    const row = (await storedFor(user.id)).rows[0]!
    await env.FILES.put(`${row.r2Key}.thumb.jpg`, PHOTO_JPG)
    const { setThumbnail } = await import('../../src/files/service')
    await withDb((db) => setThumbnail(db, id, { state: 'ready', key: `${row.r2Key}.thumb.jpg` }, new Date()))
    expect(await usageOf(user.id)).toMatchObject({ bytes: PHOTO_JPG.length, files: 1 })

    expect((await post(`/files/${id}/delete`, {}, other.cookie)).status).toBe(404)
    const deleted = await post(`/files/${id}/delete`, { back: '/files' }, cookie, { htmx: true })
    expect(deleted.status).toBe(200)
    expect(await deleted.text()).toContain('You have no files yet.')
    expect(await storedFor(user.id)).toEqual({ rows: [], keys: [] })
    expect(await usageOf(user.id)).toMatchObject({ bytes: 0, files: 0 })
  })
})

describe('projects', () => {
  it('create (unique per account), rename, and delete with its files after a confirmation page', async () => {
    const { user, cookie } = await signedInUser()
    expect((await post('/files/projects', { name: 'Work' }, cookie)).status).toBe(303)
    expect((await post('/files/projects', { name: 'Work' }, cookie)).status).toBe(409)
    expect((await post('/files/projects', { name: 'a\u0000b' }, cookie)).status).toBe(400) // the form reader refuses NUL
    expect((await post('/files/projects', { name: 'a/b' }, cookie)).status).toBe(422)
    expect((await post('/files/projects', { name: 'x'.repeat(101) }, cookie)).status).toBe(422)
    const id = await projectIdNamed(user.id, 'Work')
    expect((await post(`/files/projects/${id}/rename`, { name: 'Office' }, cookie)).status).toBe(303)
    expect((await upload(cookie, 'in.txt', text('inside'), { projectId: id })).status).toBe(201)
    expect((await upload(cookie, 'out.txt', text('outside'))).status).toBe(201)

    const other = await signedInUser()
    expect((await get(`/files/projects/${id}/delete`, other.cookie)).status).toBe(404)
    expect((await post(`/files/projects/${id}/delete`, {}, other.cookie)).status).toBe(404)
    expect((await post(`/files/projects/${id}/rename`, { name: 'Mine now' }, other.cookie)).status).toBe(404)

    const confirm = await (await get(`/files/projects/${id}/delete`, cookie)).text()
    expect(confirm).toContain('Delete project “Office”?')
    expect(confirm, confirm.slice(confirm.indexOf('<h1'), confirm.indexOf('</form>'))).toContain('Its file will be deleted too')
    expect((await post(`/files/projects/${id}/delete`, {}, cookie)).status).toBe(303)
    const { rows, keys } = await storedFor(user.id)
    expect(rows.map((r) => r.name)).toEqual(['out.txt'])
    expect(keys).toEqual([rows[0]!.r2Key])
    expect(await usageOf(user.id)).toMatchObject({ bytes: 7, files: 1 })
  })
})

describe('bounded project list (issue 19, item 13)', () => {
  it(`an account has at most ${MAX_PROJECTS} projects: the next is refused with a clear message, the page lists ${MAX_PROJECTS}`, async () => {
    const { user, cookie } = await signedInUser()
    const { fileProjects } = await import('../../src/files/schema')
    await withDb((db) => db.insert(fileProjects).values(Array.from({ length: MAX_PROJECTS }, (_, i) => ({ userId: user.id, name: `p${String(i).padStart(3, '0')}`, description: '' }))))
    const refused = await post('/files/projects', { name: 'one too many' }, cookie)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain(`You already have ${MAX_PROJECTS} projects`)
    expect(await projectIdNamed(user.id, 'one too many').catch(() => null)).toBeNull()
    const html = await (await get('/files', cookie)).text()
    expect(html).toContain(`Projects (${MAX_PROJECTS})`)
    expect(html.match(/<li class="project-item/g)).toHaveLength(MAX_PROJECTS)
  })
})

describe('state-changing file routes: CSRF, throttle, body limit (checklist 14, 24, 30)', () => {
  it('a cross-site POST is refused with 403 on upload, rename, delete and project routes', async () => {
    const { user, cookie } = await signedInUser()
    const { id } = await (await upload(cookie, 'a.txt', text('x'))).json() as { id: string }
    const evil = { origin: 'https://evil.example', cookie }
    expect((await request('/files/upload?name=b.txt', { method: 'POST', body: text('y'), headers: evil })).status).toBe(403)
    for (const path of [`/files/${id}/rename`, `/files/${id}/delete`, '/files/projects']) {
      expect((await request(path, { method: 'POST', body: new URLSearchParams({ name: 'z.txt' }), headers: evil })).status, path).toBe(403)
    }
    expect((await storedFor(user.id)).rows.map((r) => r.name)).toEqual(['a.txt'])
  })

  it(`more than ${FILES_WRITE_LIMIT.max} changes a minute are throttled (429 with Retry-After)`, async () => {
    const { cookie } = await signedInUser()
    const id = crypto.randomUUID()
    for (let i = 0; i < FILES_WRITE_LIMIT.max; i++) expect((await post(`/files/${id}/rename`, { name: 'n.txt' }, cookie)).status).toBe(404)
    const limited = await post(`/files/${id}/rename`, { name: 'n.txt' }, cookie)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    const uploadLimited = await upload(cookie, 'a.txt', text('x'))
    expect(uploadLimited.status).toBe(429)
    expect((await uploadLimited.json() as { error: string }).error).toMatch(/Too many changes at once/)
  }, 90_000)

  it('an oversized form body is 413', async () => {
    const { cookie } = await signedInUser()
    const res = await post(`/files/${crypto.randomUUID()}/rename`, { name: 'x'.repeat(20_000) }, cookie)
    expect(res.status).toBe(413)
  })
})

describe('dashboard card and sidebar (registry)', () => {
  it('the dashboard shows storage used and links to the browser; the app sidebar has Files for a verified account', async () => {
    const { cookie } = await signedInUser()
    await upload(cookie, 'a.txt', text('12345'))
    const html = await (await get('/dashboard', cookie)).text()
    expect(html).toMatch(/data-card="files"><p><strong>5 B<\/strong> used by 1 file\.<\/p><p><a href="\/files">Open files<\/a>/)
    expect(html).toMatch(/<a class="menu-link[^"]*" href="\/files"/)
    const unverified = await signedInUser({}, { verified: false })
    const locked = await (await get('/dashboard', unverified.cookie)).text()
    expect(locked).toContain('Verify your email to unlock this.')
    expect(locked).toMatch(/<a class="menu-link[^"]*" href="\/dashboard"/)
    expect(locked).not.toMatch(/<a class="menu-link[^"]*" href="\/files"/)
  })
})

describe('account deletion (registry cleanup hook)', () => {
  it("deletes every object under the account's prefix and no one else's", async () => {
    const { user, cookie } = await signedInUser()
    const other = await signedInUser()
    await uploadNamed(cookie, ['a.txt', 'b.txt'])
    await uploadNamed(other.cookie, ['keep.txt'])
    await env.FILES.put(`${user.id}/x.thumb.jpg`, PHOTO_JPG)
    await withDb(async (db) => { for (const step of filesFeature.accountCleanups!) await (typeof step === 'function' ? step : step.run)(db, { id: user.id, email: user.email }, env, new Date()) })
    expect((await env.FILES.list({ prefix: `${user.id}/` })).objects).toEqual([])
    expect((await storedFor(other.user.id)).keys).toHaveLength(1)
  })
})

async function projectIdNamed(userId: string, name: string): Promise<string> {
  const { fileProjects } = await import('../../src/files/schema')
  const { and, eq } = await import('drizzle-orm')
  const [row] = await withDb((db) => db.select().from(fileProjects).where(and(eq(fileProjects.userId, userId), eq(fileProjects.name, name))))
  return row!.id
}

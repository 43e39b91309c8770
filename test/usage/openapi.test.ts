import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { features } from '../../src/index'
import { composeRegistry, type ApiOperation } from '../../src/platform/feature'
import { openApiPath } from '../../src/usage/openapi'
import { apiErrorSchema } from '../../src/usage/api-schemas'
import { configureMeter } from '../../src/usage/quota'
import { calendarMonth } from '../../src/usage/period'
import { createTestUser, get, loginCookie } from '../auth/helpers'
import { upload } from '../files/helpers'
import { api, createKey } from './helpers'

type Doc = {
  openapi: string
  servers: Array<{ url: string }>
  security: unknown[]
  paths: Record<string, Record<string, { operationId: string; security?: unknown[]; parameters: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>>
  components: Record<string, Record<string, unknown>>
}

const operations = composeRegistry(features).apiOperations
// Every route under /api/v1 that a listed feature serves, read from the routers themselves (not a list
// kept by hand): `ALL` entries are the middleware and the 405 answers, the rest are operations.
const routes = features.flatMap((f) => f.routes?.routes ?? []).filter((r) => r.path.startsWith('/api/v1/'))
const served = [...new Set(routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path}`))]

let doc: Doc
let key: string
let fileId: string

beforeAll(async () => {
  const res = await get('/api/v1/openapi.json')
  expect(res.status).toBe(200)
  doc = await res.json() as Doc
  const user = await createTestUser({ verified: true })
  const cookie = await loginCookie(user.email)
  key = await createKey(cookie, 'openapi test')
  const uploaded = await upload(cookie, 'notes.txt', new TextEncoder().encode('hello'))
  expect(uploaded.status).toBe(201)
  fileId = (await uploaded.json() as { id: string }).id
}, 120_000)

/** A real URL for an operation: path parameters from what this file created. */
function urlOf(op: ApiOperation): string {
  const examples: Record<string, string> = { id: fileId }
  return op.path.replace(/:(\w+)/g, (_m, name: string) => {
    if (!(name in examples)) throw new Error(`No example value for :${name} (${op.path}): add one to this test`)
    return examples[name]!
  })
}

/** Every $ref in the document points at something that is there. */
function unresolvedRefs(node: unknown, root: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => unresolvedRefs(n, root, out))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const target = v.slice(2).split('/').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], root)
        if (target === undefined) out.push(v)
      } else unresolvedRefs(v, root, out)
    }
  }
  return out
}

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document for this app: its origin, the bearer key, the error shape, public and cacheable', async () => {
    const res = await get('/api/v1/openapi.json')
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('cache-control')).toContain('public')
    expect(doc.openapi).toMatch(/^3\.1\./)
    expect(doc.servers).toEqual([{ url: new URL(env.APP_URL).origin }])
    expect(doc.security).toEqual([{ apiKey: [] }])
    expect(doc.components.securitySchemes!.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.components.schemas!.Error).toMatchObject({ type: 'object', required: ['error'] })
    expect(unresolvedRefs(doc, doc)).toEqual([])
  })

  it('describes every route under /api/v1, and nothing that is not one', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`))
    expect(served.length).toBeGreaterThanOrEqual(5)
    expect(documented.sort()).toEqual(served.map((r) => { const [m, p] = r.split(' '); return `${m} ${openApiPath(p!)}` }).sort())
  })

  it('every documented path answers other methods with 405, as documented', () => {
    for (const op of operations) expect(routes.some((r) => r.method === 'ALL' && r.path === op.path), op.path).toBe(true)
    for (const methods of Object.values(doc.paths)) for (const op of Object.values(methods)) expect(op.responses).toHaveProperty('405')
  })

  it('path parameters are documented as such; public operations say so', () => {
    for (const op of operations) {
      const documented = doc.paths[openApiPath(op.path)]![op.method]!
      const names = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1])
      expect(documented.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(names)
      expect(documented.security).toEqual(op.auth === false ? [] : undefined)
    }
  })
})

describe('real answers match the documented schemas', () => {
  it.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))('%s: 200, and the body parses with its (strict) schema', async (_name, op) => {
    const res = await api(urlOf(op), op.auth === false ? undefined : key, { method: op.method.toUpperCase() })
    expect(res.status).toBe(200)
    const body = await res.json()
    const parsed = op.response.safeParse(body)
    expect(parsed.error?.issues ?? []).toEqual([])
    if (op.metered) expect(res.headers.get('ratelimit-limit')).toMatch(/^\d+$/)
  })

  it.each(operations.filter((op) => op.auth !== false).map((op) => [op.path, op] as const))('%s without a key: the documented 401 and error shape', async (_name, op) => {
    for (const res of [await api(urlOf(op)), await api(urlOf(op), 'qs_nope')]) {
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toContain('Bearer')
      expect(apiErrorSchema.safeParse(await res.json()).error?.issues ?? []).toEqual([])
      expect(doc.paths[openApiPath(op.path)]![op.method]!.responses).toHaveProperty('401')
    }
  })

  it('405, 404, 422 and 429 answers have the documented shape and headers', async () => {
    const wrongMethod = await api('/api/v1/usage', key, { method: 'DELETE' })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toContain('GET')
    expect(apiErrorSchema.parse(await wrongMethod.json()).error.code).toBe('method_not_allowed')

    const missing = await api('/api/v1/files/00000000-0000-4000-8000-000000000000', key)
    expect(missing.status).toBe(404)
    expect(apiErrorSchema.parse(await missing.json()).error.code).toBe('not_found')
    expect(doc.paths['/api/v1/files/{id}']!.get!.responses).toHaveProperty('404')

    // Parameters are checked against the declared schemas before the request is counted: 422 naming each.
    const before = (await (await api('/api/v1/usage', key)).json() as { usage: { api_requests: { used: number } } }).usage.api_requests.used
    for (const [path, expected] of [
      ['/api/v1/files?page=0&sort=newest', ['query.sort', 'query.page']],
      ['/api/v1/files/not-a-file-id', ['path.id']],
    ] as const) {
      const invalid = await api(path, key)
      expect(invalid.status, path).toBe(422)
      const error = apiErrorSchema.parse(await invalid.json()).error
      expect(error.code).toBe('invalid_request')
      expect(error.issues!.map((i) => i.path).sort()).toEqual([...expected].sort())
    }
    const after = (await (await api('/api/v1/usage', key)).json() as { usage: { api_requests: { used: number } } }).usage.api_requests.used
    expect(after).toBe(before + 1)
    for (const op of operations) expect(Object.keys(doc.paths[openApiPath(op.path)]![op.method]!.responses).includes('422')).toBe(Boolean(op.params || op.query))

    const user = await createTestUser({ verified: true })
    const limited = await createKey(await loginCookie(user.email), 'limited')
    const period = calendarMonth(Date.now())
    await configureMeter(env, { userId: user.id, limits: { storageBytes: 1000, fileCount: 1, uploadsPerMonth: 1, apiRequestsPerMonth: 1 }, periodStart: period.start, periodEnd: period.end }, new Date())
    expect((await api('/api/v1/usage', limited)).status).toBe(200)
    const over = await api('/api/v1/usage', limited)
    expect(over.status).toBe(429)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    const body = apiErrorSchema.parse(await over.json())
    expect(body.error).toMatchObject({ code: 'quota_exceeded', metric: 'api_requests', used: 1, limit: 1 })
    expect(doc.paths['/api/v1/usage']!.get!.responses).toHaveProperty('429')
  })
})

describe('/docs/api', () => {
  it('renders the document on the server: every operation, the key header, the error shape, a link to the JSON', async () => {
    const res = await get('/docs/api')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/)
    expect(html).toContain('href="/api/v1/openapi.json"')
    expect(html).toContain('Authorization: Bearer qs_&lt;prefix&gt;_&lt;secret&gt;')
    for (const op of operations) {
      expect(html).toContain(`id="${op.operationId}"`)
      expect(html).toContain(`${op.method.toUpperCase()} ${openApiPath(op.path)}`)
      expect(html).toContain(op.summary.replace(/'/g, '&#39;'))
    }
    for (const code of ['request_id', 'retry_after_seconds', 'RateLimit-Remaining', 'Retry-After']) expect(html).toContain(code)
    expect(html).toContain(`${new URL(env.APP_URL).origin}/api/v1/ping`)
  })

  it('is linked from the footer of every page and from the API keys page', async () => {
    const home = await (await get('/')).text()
    expect(home.slice(home.indexOf('<footer'))).toContain('href="/docs/api"')
    const user = await createTestUser({ verified: true })
    const page = await (await get('/settings/api-keys', await loginCookie(user.email))).text()
    expect(page).toContain('href="/docs/api"')
  })
})

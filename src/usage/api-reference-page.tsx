import { Hono } from 'hono'
import { configOf, type AppEnv } from '../platform/types'
import { apiDocument, type JsonSchema, type OpenApiDocument } from './openapi'

/**
 * /docs/api: the API reference, rendered on the server from the same OpenAPI document that
 * /api/v1/openapi.json serves (no third-party viewer, no script): what a reader sees is what a client
 * generator gets. Public, like the document.
 */

type Operation = OpenApiDocument['paths'][string][string]
type Response = { description?: string; $ref?: string; headers?: Record<string, { $ref: string }> }

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1)

/** A schema's type in words: `integer or null`, `string (uuid)`, `one of "a", "b"`, `array of object`. */
function typeLabel(s: JsonSchema): string {
  if (typeof s.$ref === 'string') return refName(s.$ref)
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map(typeLabel).join(' or ')
  if ('const' in s) return JSON.stringify(s.const)
  if (Array.isArray(s.enum)) return `one of ${(s.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
  if (s.type === 'array') return `array of ${typeLabel((s.items ?? {}) as JsonSchema)}`
  const types = Array.isArray(s.type) ? (s.type as string[]) : [typeof s.type === 'string' ? s.type : 'any']
  return types.map((t) => (typeof s.format === 'string' && t !== 'null' ? `${t} (${s.format})` : t)).join(' or ')
}

/** The document's descriptions are CommonMark; the only markup they use is `code`. */
function Text({ md }: { md: string }) {
  return <>{md.split('`').map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>
}

/** The object inside a schema to list fields of: itself, an array's items, or a nullable's object. */
function objectOf(s: JsonSchema): JsonSchema | null {
  if (s.type === 'object' && s.properties && Object.keys(s.properties).length > 0) return s
  if (s.type === 'array' && s.items) return objectOf(s.items as JsonSchema)
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map(objectOf).find((o) => o !== null) ?? null
  return null
}

function Fields({ schema }: { schema: JsonSchema }) {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((schema.required ?? []) as string[])
  return (
    <ul class="api-fields">
      {Object.entries(properties).map(([name, field]) => {
        const inner = objectOf(field)
        return (
          <li>
            <code>{name}</code> <span class="has-text-weight-semibold">{typeLabel(field)}</span>
            {!required.has(name) && <span class="tag ml-1">optional</span>}
            {typeof field.description === 'string' && <> — <Text md={field.description} /></>}
            {inner && <Fields schema={inner} />}
          </li>
        )
      })}
    </ul>
  )
}

/** A block of code that may be wider than a phone: it scrolls inside itself, reachable by keyboard. */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  return <pre tabindex={0} aria-label={label}><code>{code}</code></pre>
}

function curlFor(origin: string, method: string, path: string, secured: boolean): string {
  const url = `${origin}${path.replace(/\{(\w+)\}/g, (_m, name: string) => `<${name}>`)}`
  const verb = method === 'get' ? '' : ` -X ${method.toUpperCase()}`
  return secured ? `curl${verb} -H "Authorization: Bearer $API_KEY" \\\n  "${url}"` : `curl${verb} "${url}"`
}

function OperationSection({ doc, method, path, op }: { doc: OpenApiDocument; method: string; path: string; op: Operation }) {
  const secured = !('security' in op)
  const ok = op.responses[200] as { content: { 'application/json': { schema: JsonSchema } } }
  const body = objectOf(ok.content['application/json'].schema)
  const errors = Object.entries(op.responses).filter(([status]) => status !== '200').map(([status, r]) => {
    const response = r as Response
    const resolved = response.$ref ? (doc.components.responses as Record<string, Response>)[refName(response.$ref)] : response
    return { status, description: resolved?.description ?? '', headers: Object.keys(resolved?.headers ?? {}) }
  })
  return (
    <section class="box" id={op.operationId} aria-labelledby={`${op.operationId}-title`}>
      <h3 class="title is-5" id={`${op.operationId}-title`}>{op.summary}</h3>
      <p><code class="api-endpoint">{method.toUpperCase()} {path}</code></p>
      <p class="tags mt-2">
        {secured ? <span class="tag is-info is-light">API key</span> : <span class="tag is-success is-light">No key needed</span>}
        {'x-metered' in op && <span class="tag is-warning is-light">Counts one API request</span>}
      </p>
      {typeof op.description === 'string' && <p><Text md={op.description} /></p>}
      {op.parameters.length > 0 && (
        <>
          <h4 class="title is-6">Parameters</h4>
          <ul class="api-fields">
            {op.parameters.map((p) => (
              <li><code>{p.name}</code> <span class="has-text-weight-semibold">{typeLabel(p.schema)}</span> <span class="tag">{p.in}{p.required ? ', required' : ''}</span>{typeof p.description === 'string' && <> — <Text md={p.description} /></>}</li>
            ))}
          </ul>
        </>
      )}
      <h4 class="title is-6">200 answer{'x-metered' in op ? ' (with RateLimit-Limit, RateLimit-Remaining)' : ''}</h4>
      {body ? <Fields schema={body} /> : <p>{typeLabel(ok.content['application/json'].schema)}</p>}
      <h4 class="title is-6">Errors</h4>
      <ul class="api-fields">
        {errors.map((e) => <li><strong>{e.status}</strong> — <Text md={e.description} />{e.headers.length > 0 && <> Header: {e.headers.join(', ')}.</>}</li>)}
      </ul>
      <CodeBlock label={`Example: ${op.summary}`} code={curlFor(doc.servers[0]!.url, method, path, secured)} />
    </section>
  )
}

export function ApiReference({ doc }: { doc: OpenApiDocument }) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })))
  const scheme = doc.components.securitySchemes.apiKey
  const headers = doc.components.headers as Record<string, { description: string }>
  return (
    <section class="section">
      <div class="container content api-reference">
        <h1 class="title">{doc.info.title} reference</h1>
        <p><Text md={doc.info.description} /></p>
        <p>Base URL <code>{doc.servers[0]!.url}</code>. The machine-readable description of everything below is the OpenAPI {doc.openapi} document at <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>: load it into an API client or a code generator.</p>
        <nav aria-labelledby="api-contents-title">
          <h2 class="title is-6" id="api-contents-title">Contents</h2>
          <ul>
            <li><a href="#authentication">Authentication</a></li>
            <li><a href="#errors">Errors</a></li>
            <li><a href="#limits">Limits</a></li>
            {operations.map(({ method, path, op }) => <li><a href={`#${op.operationId}`}>{op.summary}</a> <code>{method.toUpperCase()} {path}</code></li>)}
          </ul>
        </nav>
        <section class="api-topic" aria-labelledby="authentication">
        <h2 class="title is-4" id="authentication">Authentication</h2>
        <p><Text md={scheme.description} /> The header: <code>Authorization: Bearer {scheme.bearerFormat}</code>. Create and revoke keys at <a href="/settings/api-keys">Settings → API keys</a>; a revoked key answers 401 from the next request.</p>
        <CodeBlock label="Example: check a key" code={curlFor(doc.servers[0]!.url, 'get', '/api/v1/ping', true)} />
        </section>
        <section class="api-topic" aria-labelledby="errors">
        <h2 class="title is-4" id="errors">Errors</h2>
        <p>Every error answer has one JSON shape; <code>error.code</code> is stable, the message is for people.</p>
        <Fields schema={doc.components.schemas.Error} />
        </section>
        <section class="api-topic" aria-labelledby="limits">
        <h2 class="title is-4" id="limits">Limits</h2>
        <ul class="api-fields">
          {Object.entries(headers).map(([name, h]) => <li><code>{name}</code> — <Text md={h.description} /></li>)}
        </ul>
        </section>
        {[...new Set(operations.map((o) => o.op.tags[0]))].map((tag) => (
          <>
            <h2 class="title is-4">{tag}</h2>
            {operations.filter((o) => o.op.tags[0] === tag).map((o) => <OperationSection doc={doc} {...o} />)}
          </>
        ))}
      </div>
    </section>
  )
}

export const apiReferenceRoutes = new Hono<AppEnv>()
  .get('/docs/api', (c) => c.render(<ApiReference doc={apiDocument(c)} />, { title: 'API reference', description: `How to use the ${configOf(c).APP_NAME} JSON API: authentication, errors, limits and every endpoint.` }))

import { Hono } from 'hono'
import { EmptyState, Field, Notice } from '../platform/components'
import { renderError } from '../platform/errors'
import { formBodyLimit, readForm } from '../platform/forms'
import { setFlash } from '../platform/flash'
import { isHtmxRequest } from '../platform/htmx'
import { configOf, type AppContext, type AppEnv } from '../platform/types'
import { readsOnly } from '../platform/speculation'
import { recordAudit } from '../platform/audit'
import { refuseWhileImpersonating, requireVerified } from '../auth'
import { API_KEY_CREATED, API_KEY_REVOKED, apiKeyAuditDetail } from './api-key-events'
import { API_KEY_NAME_MAX, MAX_ACTIVE_KEYS, createApiKey, listApiKeys, maskedKey, revokeApiKey } from './api-keys'
import { meterStub } from './quota'
import type { ApiKey } from './schema'
import { CodeBlock } from './api-reference-page'

// Key management on the account's own meter object: 20 changes an hour is plenty for a person and
// stops a script from minting keys in a loop (checklist 23).
export const API_KEY_CHANGES = { max: 20, windowSeconds: 60 * 60 }

// A key's name is short: 8 KiB is plenty and keeps an oversized body from being read at all.
const KEY_FORM_MAX_BYTES = 8 * 1024

interface SectionProps {
  /** The app's origin (APP_URL), for the curl example. */
  origin: string
  keys: ApiKey[]
  /** Older revoked keys the bounded list leaves out (API_KEYS_SHOWN). */
  hidden?: number
  created?: { key: string; name: string }
  errors?: { name?: string; form?: string }
  name?: string
  notice?: string
}

// Key prefixes only, never a key: the log must not become a place to steal one from.
function logUsageEvent(c: AppContext, msg: string, fields: Record<string, string>): void {
  c.var.log.info(msg, fields)
}

function When({ d }: { d: Date | null }) {
  if (d === null) return <>Never</>
  const iso = d.toISOString()
  return <time datetime={iso}><span class="nowrap">{iso.slice(0, 10)}</span> <span class="nowrap">{`${iso.slice(11, 16)}\u00a0UTC`}</span></time>
}

/**
 * A copy button for the x-ref="source" inside (public/components.js `copyable`): hidden until Alpine runs, the
 * "Copied" (or "select it yourself") message in a polite live region.
 */
function CopyButton({ label }: { label: string }) {
  // The context in hidden text rather than aria-label: the name then changes with "Copy" / "Copied".
  // `hidden` on a plain wrapper: Bulma's .button display would win over the attribute on the button itself.
  return <span x-bind="copyControl" hidden><button type="button" class="button" x-bind="copyButton"><span x-text="buttonLabel">Copy</span><span class="is-sr-only"> {label}</span></button></span>
}

function CopyStatus() {
  return <p class="help" role="status" aria-live="polite" x-text="status"></p>
}

// Single quotes in the shell would stop $API_KEY from expanding; a real key has nothing to escape.
export function curlExample(origin: string, key: string | null): string {
  return `curl -H "Authorization: Bearer ${key ?? '$API_KEY'}" \\\n  ${origin}/api/v1/usage`
}

/** The whole section: page body and htmx fragment alike (one component, docs/architecture.md). */
export function ApiKeysSection({ origin, keys, hidden = 0, created, errors = {}, name, notice }: SectionProps) {
  const active = keys.filter((k) => k.revokedAt === null)
  // Right under a key just made (it is in the command); otherwise after the list, for later.
  const tryIt = (
    <section class="box" aria-labelledby="try-key-title" x-data="copyable">
      <h2 class="title is-5" id="try-key-title">Try it</h2>
      <p class="mb-2">{created
        ? 'Your new key, ready to paste into a terminal:'
        : <>Put your key in <code>API_KEY</code> (<code>export API_KEY=qs_…</code>), then:</>}</p>
      <div class="content mb-2" x-ref="source"><CodeBlock label="Example request with curl" code={curlExample(origin, created?.key ?? null)} /></div>
      <CopyButton label="the curl command" />
      <CopyStatus />
      <p class="mt-2">Every endpoint, its answers and errors: the <a href="/docs/api">API reference</a>.</p>
    </section>
  )
  return (
    <div id="api-keys">
      <Notice kind="success" message={notice} />
      {created && (
        <div class="notification is-success is-light" role="status">
          <p class="mb-2"><strong>Key “{created.name}” created.</strong> Copy it now: it is shown only this once and cannot be recovered.</p>
          <div x-data="copyable">
            <label class="label" for="new-api-key">Your new API key</label>
            <div class="field has-addons">
              <div class="control is-expanded">
                <input id="new-api-key" class="input is-family-monospace" type="text" readonly value={created.key} autocomplete="off" spellcheck={false} x-ref="source" />
              </div>
              <div class="control"><CopyButton label="the API key" /></div>
            </div>
            <CopyStatus />
          </div>
        </div>
      )}
      {created && tryIt}
      <section class="box" aria-labelledby="create-key-title">
        <h2 class="title is-5" id="create-key-title">Create a key</h2>
        <form method="post" action="/settings/api-keys" hx-post="/settings/api-keys" hx-target="#api-keys" hx-swap="outerHTML" novalidate>
          <Notice kind="danger" message={errors.form} />
          <Field name="name" label="Name" value={name} error={errors.name} required maxlength={API_KEY_NAME_MAX}
            help={`What the key is for, e.g. "CI upload script". At most ${MAX_ACTIVE_KEYS} active keys.`} />
          <button class="button is-primary" type="submit">Create key</button>
        </form>
      </section>
      <section class="box" aria-labelledby="keys-title">
        <h2 class="title is-5" id="keys-title">Your keys</h2>
        {keys.length === 0 ? (
          <EmptyState icon="key-round" title="No API keys yet">
            <p>Name a key above to call the API from a script or another service. <a href="/docs/api">Read the API reference</a>.</p>
          </EmptyState>
        ) : (
          <div class="table-container">
            <table class="table is-fullwidth" id="api-keys-table">
              <caption class="is-sr-only">API keys: {active.length} active</caption>
              <thead><tr><th scope="col">Key</th><th scope="col" class="is-hidden-mobile">Created</th><th scope="col">Last used</th><th scope="col"><span class="is-sr-only">Status or action</span></th></tr></thead>
              <tbody>
                {keys.map((k) => (
                  <tr>
                    {/* Name and prefix stacked, dates on two lines: four narrow columns fit a 390 px phone. */}
                    <td><span class="is-block">{k.name}</span><code class="is-size-7">{maskedKey(k.prefix)}</code></td>
                    <td class="is-hidden-mobile"><When d={k.createdAt} /></td>
                    <td><When d={k.lastUsedAt} /></td>
                    <td class="has-text-right">
                      {k.revokedAt !== null ? <span class="tag is-light">Revoked</span> : (
                        <form method="post" action={`/settings/api-keys/${k.id}/revoke`} hx-post={`/settings/api-keys/${k.id}/revoke`} hx-target="#api-keys" hx-swap="outerHTML"
                          hx-confirm={`Revoke the key “${k.name}”? Programs using it stop working at once.`}>
                          <button class="button is-small is-danger is-light" type="submit" aria-label={`Revoke ${k.name}`}>Revoke</button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {hidden > 0 && <p class="help" id="api-keys-hidden">{hidden === 1 ? '1 older revoked key is not shown.' : `${hidden} older revoked keys are not shown.`} Revoked keys no longer work.</p>}
      </section>
      {!created && tryIt}
    </div>
  )
}

function ApiKeysPage(props: SectionProps) {
  return (
    <section class="section">
      <div class="container">
        <nav class="breadcrumb" aria-label="breadcrumbs"><ul><li><a href="/settings">Settings</a></li><li class="is-active"><a href="/settings/api-keys" aria-current="page">API keys</a></li></ul></nav>
        <h1 class="title">API keys</h1>
        <p class="subtitle">Keys let programs use the JSON API under <code>/api/v1/</code> as you (<a href="/docs/api">API reference</a>). Each request counts towards your plan's API requests (see <a href="/usage">Usage</a>).</p>
        <ApiKeysSection {...props} />
      </div>
    </section>
  )
}

function respond(c: AppContext, status: 200 | 422 | 429, withoutOrigin: Omit<SectionProps, 'origin'>) {
  const props: SectionProps = { ...withoutOrigin, origin: new URL(configOf(c).APP_URL).origin }
  c.status(status)
  // A response that may hold a fresh key is never stored by a cache (ASVS 14.3.2 spirit: secrets once).
  c.header('Cache-Control', 'no-store')
  return isHtmxRequest(c) ? c.html(<ApiKeysSection {...props} />) : c.render(<ApiKeysPage {...props} />, { title: 'API keys' })
}

async function throttled(c: AppContext, userId: string, now: Date): Promise<number> {
  const d = await meterStub(c.env, userId).hit('api-key-changes', API_KEY_CHANGES.max, API_KEY_CHANGES.windowSeconds, now.getTime())
  return d.allowed ? 0 : d.retryAfterSeconds
}

export const apiKeyRoutes = new Hono<AppEnv>()
  // Reads only (ADR 0106): on a warm isolate, rendered in the session lookup's round trip.
  .get('/settings/api-keys', readsOnly, requireVerified, async (c) => {
    const user = c.get('user')!
    return respond(c, 200, { ...await listApiKeys(c.get('db'), user.id) })
  })
  // A key made by an admin acting as the user would outlive the impersonation: keys are the owner's only
  // (issue 19 finding 3, checklist 35). Looking at the list stays allowed.
  .post('/settings/api-keys', requireVerified, refuseWhileImpersonating, formBodyLimit({ maxSize: KEY_FORM_MAX_BYTES }), async (c) => {
    const user = c.get('user')!
    const db = c.get('db')
    const form = await readForm(c)
    const name = (form.name ?? '').trim()
    const now = new Date()
    const wait = await throttled(c, user.id, now)
    if (wait > 0) {
      c.header('Retry-After', String(wait))
      return respond(c, 429, { ...await listApiKeys(db, user.id), name, errors: { form: `Too many key changes. Try again in ${Math.ceil(wait / 60)} minutes.` } })
    }
    if (name === '' || name.length > API_KEY_NAME_MAX) {
      const error = name === '' ? 'Give the key a name.' : `At most ${API_KEY_NAME_MAX} characters.`
      return respond(c, 422, { ...await listApiKeys(db, user.id), name, errors: { name: error } })
    }
    const result = await createApiKey(db, user.id, name, now)
    if (!result.ok) {
      return respond(c, 422, { ...await listApiKeys(db, user.id), name, errors: { form: `You already have ${MAX_ACTIVE_KEYS} active keys. Revoke one first.` } })
    }
    logUsageEvent(c, 'api key created', { userId: user.id, prefix: result.row.prefix })
    await recordAudit(c, { action: API_KEY_CREATED, targetType: 'user', targetId: user.id, detail: apiKeyAuditDetail(result.row) })
    return respond(c, 200, { ...await listApiKeys(db, user.id), created: { key: result.key, name } })
  })
  .post('/settings/api-keys/:id/revoke', requireVerified, refuseWhileImpersonating, formBodyLimit({ maxSize: KEY_FORM_MAX_BYTES }), async (c) => {
    const user = c.get('user')!
    const db = c.get('db')
    const now = new Date()
    const wait = await throttled(c, user.id, now)
    if (wait > 0) {
      c.header('Retry-After', String(wait))
      return respond(c, 429, { ...await listApiKeys(db, user.id), errors: { form: `Too many key changes. Try again in ${Math.ceil(wait / 60)} minutes.` } })
    }
    const revoked = await revokeApiKey(db, user.id, c.req.param('id'), now)
    // Someone else's key looks exactly like a missing one.
    if (!revoked) return renderError(c, { status: 404, title: 'Key not found', message: 'This key does not exist or is already revoked.' })
    logUsageEvent(c, 'api key revoked', { userId: user.id, prefix: revoked.prefix })
    await recordAudit(c, { action: API_KEY_REVOKED, targetType: 'user', targetId: user.id, detail: { ...apiKeyAuditDetail(revoked), reason: 'revoked_by_user' } })
    const notice = `Key “${revoked.name}” revoked.`
    if (isHtmxRequest(c)) return respond(c, 200, { ...await listApiKeys(db, user.id), notice })
    setFlash(c, 'success', notice)
    return c.redirect('/settings/api-keys', 303)
  })

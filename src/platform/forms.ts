import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { Child } from 'hono/jsx'
import type { z } from 'zod'
import type { FieldErrors } from './components'
import { renderError } from './errors'
import { isHtmxRequest } from './htmx'
import type { AppContext } from './types'

/**
 * The one form path (ADR 0007). Every POST handler that reads a form:
 *   route:   .post('/x', formBodyLimit(), async (c) => {
 *   read:      const form = await readForm(c)                  // strings only, or a clear 4xx
 *   check:     const parsed = parseForm(schema, form)          // typed values, or one message per field
 *   answer:    if (!parsed.ok) return respondWithForm(c, 422, <XForm …/>, <XPage …/>, 'Title')
 *              …; return redirectAfterPost(c, '/next')
 * A body that cannot be a form of ours never reaches a handler's logic, let alone Postgres: a broken
 * multipart body, invalid percent-encoding, a control character (NUL …) in a field or a wrong content
 * type answers 400/415 naming the field; an oversized one 413.
 */

// Forms are small; 64 KiB still lets a 10 kB password through to the policy's clear message ("at most
// 256 characters"), and 5,000 characters of contact message percent-encoded (multi-byte UTF-8).
export const FORM_MAX_BYTES = 64 * 1024

export function formBodyLimit(options: { maxSize?: number; title?: string; message?: string } = {}) {
  return bodyLimit({
    maxSize: options.maxSize ?? FORM_MAX_BYTES,
    onError: (c) => renderError(c, {
      status: 413,
      title: options.title ?? 'Request too large',
      message: options.message ?? 'This form submission is too large.',
    }),
  })
}

/**
 * The same byte limit for a body that is not a form (a signed JSON webhook): counted while the body
 * streams in, 413 with a JSON error from the declared length or as soon as the limit is passed.
 */
export function rawBodyLimit(maxSize: number) {
  return bodyLimit({ maxSize, onError: (c) => c.json({ error: 'payload too large' }, 413) })
}

export type FormFields = Record<string, string>

// C0 controls except tab, line feed and carriage return, plus DEL. Postgres refuses NUL in text outright;
// the others have no business in a name, an address or a message either.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

function fieldLabel(name: string | null): string {
  return name !== null && /^[\w-]{1,64}$/.test(name) ? `The form field “${name}”` : 'A form field name'
}

function badRequest(message: string): HTTPException {
  return new HTTPException(400, { message })
}

function checkField(name: string, value: string): void {
  if (CONTROL.test(name) || name.length > 200) throw badRequest(`${fieldLabel(null)} is malformed.`)
  if (CONTROL.test(value)) throw badRequest(`${fieldLabel(name)} contains a control character (such as a NUL byte), which is not allowed. Remove it and try again.`)
}

function decodeComponent(raw: string, name: string | null): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    throw badRequest(`${fieldLabel(name)} is not valid URL encoding (a stray “%” or broken UTF-8).`)
  }
}

// Parsed by hand rather than with URLSearchParams, which silently turns a broken escape into U+FFFD or
// leaves it as text: a malformed body is refused with the field named instead.
function parseUrlEncoded(body: string): FormFields {
  const fields = new Map<string, string>()
  for (const part of body.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq), null)
    const value = decodeComponent(eq === -1 ? '' : part.slice(eq + 1), name)
    checkField(name, value)
    // A repeated field keeps its first value: one name, one string.
    if (!fields.has(name)) fields.set(name, value)
  }
  return Object.fromEntries(fields)
}

async function parseMultipart(c: AppContext): Promise<FormFields> {
  let data: FormData
  try {
    data = await c.req.formData()
  } catch {
    throw badRequest('This form submission could not be read: its multipart body is malformed.')
  }
  const fields = new Map<string, string>()
  for (const [name, value] of data.entries()) {
    // Files are not form fields here: a file where a text field belongs is treated as missing.
    if (typeof value !== 'string') continue
    checkField(name, value)
    if (!fields.has(name)) fields.set(name, value)
  }
  return Object.fromEntries(fields)
}

/** The request's form fields as strings only, or an HTTPException (400/415) that names the problem. */
export async function readForm(c: AppContext): Promise<FormFields> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  // Bytes, decoded here: workerd warns on every .text() of a body whose type is not text/*.
  if (type === 'application/x-www-form-urlencoded') return parseUrlEncoded(new TextDecoder().decode(await c.req.arrayBuffer()))
  if (type === 'multipart/form-data') return parseMultipart(c)
  throw new HTTPException(415, { message: 'Send this form as application/x-www-form-urlencoded or multipart/form-data.' })
}

/** zod issues → one message per field (the first one wins). Nested paths are joined with dots: `address.city`. */
/**
 * A multipart/form-data body with files (the files upload form without JavaScript, ADR 0098): the one
 * place besides readForm that parses a request body, so the rule "bodies are read here" holds. workerd
 * reads such a body whole, so the caller must bound its size (Content-Length) before calling. null when
 * the body is not a readable multipart form.
 */
export async function readMultipartForm(c: AppContext): Promise<FormData | null> {
  try {
    return await c.req.raw.formData()
  } catch {
    return null
  }
}

export function fieldErrorsFrom(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) {
    const key = issue.path.length === 0 ? 'form' : issue.path.map(String).join('.')
    errors[key] ??= issue.message
  }
  return errors
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors }

/** Validates form fields against a zod schema: typed values, or field messages keyed by field name. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.output<S>> {
  const parsed = schema.safeParse(input)
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrorsFrom(parsed.error.issues) }
}

export type FormStatus = 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429

/**
 * The page-or-fragment answer: htmx gets the form fragment (it swaps the form's outerHTML), a plain POST
 * the whole page, with the same status either way. `page` may be a function for pages that load data.
 */
export function respondWithForm(c: AppContext, status: FormStatus, fragment: Child, page: Child | (() => Response | Promise<Response>), title: string) {
  c.status(status)
  if (isHtmxRequest(c)) return c.html(fragment as string)
  return typeof page === 'function' ? page() : c.render(page as string, { title })
}

// After a successful form: htmx follows HX-Redirect (a full navigation, so the navbar updates); a plain
// POST gets 303 See Other.
export function redirectAfterPost(c: AppContext, location: string) {
  if (isHtmxRequest(c)) {
    c.header('HX-Redirect', location)
    return c.body(null, 204)
  }
  return c.redirect(location, 303)
}

// Cloudflare sets cf-connecting-ip on every request that reaches the Worker; clients cannot override it.
export function clientIp(c: AppContext): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown'
}

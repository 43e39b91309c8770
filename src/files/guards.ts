import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { consumeBucket } from '../auth'
import { renderError } from '../platform/errors'
import type { AppEnv } from '../platform/types'

export function throttleMessage(retryAfterSeconds: number): string {
  return `Too many changes at once. Try again in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.`
}

/** State-changing file requests per account and minute (uploads, renames, moves, deletes, projects). */
export const FILES_WRITE_LIMIT = { max: 120, windowSeconds: 60 }

// Exact per-account counter in the throttle Durable Object (checklist 24): a script cannot hammer R2 or
// the quota meter, and the limit is far above what a person clicking or dropping files reaches.
export const throttleFileWrites = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get('user')!
  const decision = await consumeBucket(c.env, `files:${user.id}`, FILES_WRITE_LIMIT, new Date())
  if (decision.allowed) return next()
  c.header('Retry-After', String(decision.retryAfterSeconds))
  if (c.req.path === '/files/upload' && !isMultipartUpload(c)) return c.json({ error: throttleMessage(decision.retryAfterSeconds) }, 429)
  return renderError(c, { status: 429, title: 'Too many changes', message: throttleMessage(decision.retryAfterSeconds) })
})

/** A plain form post of the upload panel (no JavaScript), as opposed to the uploader's one-file raw body. */
export function isMultipartUpload(c: Context): boolean {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase() === 'multipart/form-data'
}

/** Rename, move, delete and project forms carry a few short fields (checklist 30; the upload body has its own limit). */
export const FILE_FORM_MAX_BYTES = 16 * 1024

/** Where to go back after a form without JavaScript: only a path of the file browser (no open redirect, checklist 17). */
export function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/files(\?[^\s]*)?$/.test(value) ? value : '/files'
}

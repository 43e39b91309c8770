import { env } from 'cloudflare:workers'
import { eq } from 'drizzle-orm'
import { createTestUser, loginCookie } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { files } from '../../src/files/schema'
import { configureMeter, readQuota, type QuotaLimits } from '../../src/usage'

export const LIMITS: QuotaLimits = { storageBytes: 10_000_000, fileCount: 100, uploadsPerMonth: 100, apiRequestsPerMonth: 1000 }

/** A verified, signed-in user whose meter has the given limits for the current month. */
export async function signedInUser(limits: Partial<QuotaLimits> = {}, opts: { verified?: boolean } = {}) {
  const user = await createTestUser({ verified: opts.verified })
  const now = new Date()
  await configureMeter(env, {
    userId: user.id, limits: { ...LIMITS, ...limits },
    periodStart: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), periodEnd: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
  }, now)
  return { user, cookie: await loginCookie(user.email) }
}

export function upload(cookie: string, name: string, body: BodyInit, init: { projectId?: string; headers?: Record<string, string> } = {}) {
  const params = new URLSearchParams({ name })
  if (init.projectId) params.set('projectId', init.projectId)
  return request(`/files/upload?${params}`, { method: 'POST', body, headers: { cookie, ...init.headers } })
}

/** What is stored for an account: its rows and its R2 keys. */
export async function storedFor(userId: string) {
  const rows = await withDb((db) => db.select().from(files).where(eq(files.userId, userId)))
  const listed = await env.FILES.list({ prefix: `${userId}/` })
  return { rows, keys: listed.objects.map((o) => o.key) }
}

export async function usageOf(userId: string) {
  const q = await readQuota(env, userId, { now: new Date() })
  return { bytes: q.usage.storage_bytes.used, files: q.usage.file_count.used, uploads: q.usage.uploads.used }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export const text = (s: string) => new TextEncoder().encode(s)

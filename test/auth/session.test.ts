import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { sessions } from '../../src/auth/schema'
import {
  ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, TOUCH_INTERVAL_MS, createSession, invalidateSession,
  invalidateUserSessions, validateSessionToken,
} from '../../src/auth/session'
import { hashSecret } from '../../src/auth/tokens'
import { withDb } from '../helpers/db'
import { createTestUser } from './helpers'

const HOUR = 60 * 60 * 1000
// The service calls here get the test's clock, never the wall clock's (a fixed instant far from any date the
// suite runs on); only the idle/absolute tests below move it.
const NOW = new Date('2030-06-01T00:00:00Z')

describe('sessions (checklist 6, 7, 10)', () => {
  it('tokens are id.secret with ≥128 bits of secret, and only SHA-256(secret) is stored', async () => {
    const user = await createTestUser()
    await withDb(async (db) => {
      const { token, session } = await createSession(db, user.id, {}, NOW)
      const [id, secret] = token.split('.')
      expect(id).toMatch(/^[a-z2-7]{24}$/) // 120 bits
      expect(secret).toMatch(/^[a-z2-7]{32}$/) // 160 bits
      const [row] = await db.select().from(sessions).where(eq(sessions.id, session.id))
      expect(row!.secretHash).toBe(hashSecret(secret!))
      expect(JSON.stringify(row)).not.toContain(secret!)
      const other = await createSession(db, user.id, {}, NOW)
      expect(other.token).not.toBe(token)
    })
  })

  it('rejects a forged secret, a malformed token and an unknown id', async () => {
    const user = await createTestUser()
    await withDb(async (db) => {
      const { token } = await createSession(db, user.id, {}, NOW)
      const [id, secret] = token.split('.') as [string, string]
      const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a')
      expect((await validateSessionToken(db, `${id}.${flipped}`, NOW)).session).toBeNull()
      expect((await validateSessionToken(db, id, NOW)).session).toBeNull()
      expect((await validateSessionToken(db, `${'a'.repeat(24)}.${secret}`, NOW)).session).toBeNull()
      expect((await validateSessionToken(db, token, NOW)).user?.id).toBe(user.id)
    })
  })

  it('slides the idle expiry on use and deletes an idle session', async () => {
    const user = await createTestUser()
    await withDb(async (db) => {
      const t0 = new Date('2030-01-01T00:00:00Z')
      const { token } = await createSession(db, user.id, {}, t0)
      const later = new Date(t0.getTime() + 6 * 24 * HOUR)
      const used = await validateSessionToken(db, token, later)
      expect(used.session!.expiresAt.getTime()).toBe(later.getTime() + IDLE_TIMEOUT_MS)
      // Still valid 12 days after creation because it was used on day 6.
      expect((await validateSessionToken(db, token, new Date(t0.getTime() + 12 * 24 * HOUR))).session).not.toBeNull()
      // 7 days of silence after that: gone, and gone from the database.
      const idle = new Date(t0.getTime() + 12 * 24 * HOUR + IDLE_TIMEOUT_MS + 1)
      expect((await validateSessionToken(db, token, idle)).session).toBeNull()
      expect(await db.select().from(sessions).where(eq(sessions.id, token.split('.')[0]!))).toHaveLength(0)
    })
  })

  it('enforces the absolute cap even for a session used every day', async () => {
    const user = await createTestUser()
    await withDb(async (db) => {
      const t0 = new Date('2030-02-01T00:00:00Z')
      const { token } = await createSession(db, user.id, {}, t0)
      let last = null
      for (let day = 1; day < 30; day++) last = await validateSessionToken(db, token, new Date(t0.getTime() + day * 24 * HOUR))
      expect(last!.session!.expiresAt.getTime()).toBeLessThanOrEqual(t0.getTime() + ABSOLUTE_TIMEOUT_MS)
      expect((await validateSessionToken(db, token, new Date(t0.getTime() + ABSOLUTE_TIMEOUT_MS))).session).toBeNull()
    })
  })

  it('does not write on every request (touch interval)', async () => {
    const user = await createTestUser()
    await withDb(async (db) => {
      const t0 = new Date('2030-03-01T00:00:00Z')
      const { token } = await createSession(db, user.id, {}, t0)
      const soon = await validateSessionToken(db, token, new Date(t0.getTime() + TOUCH_INTERVAL_MS - 1))
      expect(soon.session!.lastSeenAt.getTime()).toBe(t0.getTime())
    })
  })

  it('invalidation deletes server-side', async () => {
    const user = await createTestUser()
    await withDb(async (db) => {
      const a = await createSession(db, user.id, {}, NOW)
      const b = await createSession(db, user.id, {}, NOW)
      await invalidateSession(db, a.session.id)
      expect((await validateSessionToken(db, a.token, NOW)).session).toBeNull()
      expect((await validateSessionToken(db, b.token, NOW)).session).not.toBeNull()
      await invalidateUserSessions(db, user.id)
      expect((await validateSessionToken(db, b.token, NOW)).session).toBeNull()
    })
  })
})

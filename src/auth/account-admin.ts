import { formatDay } from '../platform/format'
import { and, asc, count, desc, eq, gte, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../platform/db'
import type { EndCredentials } from './credentials'
import { sessions, users, type Role, type User } from './schema'

/**
 * What the admin area may do to accounts, as auth's own functions (admin never reads auth's tables).
 * Every change that could leave the site without an administrator goes through `guardLastAdmin`.
 */

export const USERS_PAGE_SIZE = 25
const DAY_MS = 86_400_000

/** Users total / verified / new in the last 7 days, one query. */
export async function getUserFigures(db: Database, now: Date) {
  const [row] = await db.select({
    total: count(),
    verified: count(users.emailVerifiedAt),
    newThisWeek: sql<number>`count(*) filter (where ${users.createdAt} >= ${new Date(now.getTime() - 7 * DAY_MS)})`.mapWith(Number),
    admins: sql<number>`count(*) filter (where ${users.role} = 'admin')`.mapWith(Number),
    deactivated: count(users.deactivatedAt),
  }).from(users)
  return row ?? { total: 0, verified: 0, newThisWeek: 0, admins: 0, deactivated: 0 }
}

/** Sign-ups per UTC day for the `days` days ending today, oldest first, zero-filled. */
export async function countSignupsByDay(db: Database, now: Date, days = 30): Promise<Array<{ day: string; count: number }>> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const start = new Date(today - (days - 1) * DAY_MS)
  const day = sql<string>`to_char(${users.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`
  const rows = await db.select({ day, n: count() }).from(users).where(gte(users.createdAt, start)).groupBy(day)
  const byDay = new Map(rows.map((r) => [r.day, r.n]))
  return Array.from({ length: days }, (_, i) => {
    const d = formatDay(new Date(start.getTime() + i * DAY_MS))
    return { day: d, count: byDay.get(d) ?? 0 }
  })
}

export type UserSort = 'newest' | 'oldest' | 'email' | 'name'
export interface UserSearch {
  q?: string
  role?: Role
  verified?: boolean
  active?: boolean
  sort?: UserSort
  page?: number
  /** Only accounts whose deletion is under way or failed (ADR 0084). */
  deleting?: boolean
}

export type UserListRow = Pick<User, 'id' | 'email' | 'name' | 'role' | 'createdAt' | 'emailVerifiedAt' | 'deactivatedAt' | 'deletionRequestedAt' | 'deletionFailedAt'> & {
  /** Other features' columns (Feature.adminUserFilters), by filter name. */
  extras: Record<string, string | null>
}

/** Conditions and columns other features add over users.id (AdminUserFilter), evaluated in the same query. */
export interface UserSearchExtras {
  where?: Array<(userId: typeof users.id) => SQL | null>
  columns?: Record<string, (userId: typeof users.id) => SQL<string | null>>
}

/** Search by email or name (substring, case-insensitive), filters, sort, one page (+1 row to know if more). */
export async function searchUsers(db: Database, search: UserSearch, extras: UserSearchExtras = {}): Promise<{ rows: UserListRow[]; hasMore: boolean; page: number }> {
  const page = Math.max(1, Math.min(search.page ?? 1, 10_000))
  const where: SQL[] = []
  const q = search.q?.trim()
  if (q) {
    const pattern = `%${q.replace(/[%_\\]/g, '\\$&')}%`
    where.push(or(ilike(users.email, pattern), ilike(users.name, pattern))!)
  }
  if (search.role) where.push(eq(users.role, search.role))
  if (search.verified !== undefined) where.push(search.verified ? isNotNull(users.emailVerifiedAt) : isNull(users.emailVerifiedAt))
  if (search.active !== undefined) where.push(search.active ? isNull(users.deactivatedAt) : isNotNull(users.deactivatedAt))
  if (search.deleting) where.push(isNotNull(users.deletionRequestedAt))
  for (const condition of extras.where ?? []) {
    const sqlCondition = condition(users.id)
    if (sqlCondition) where.push(sqlCondition)
  }
  const columnNames = Object.keys(extras.columns ?? {})
  const extraColumns = Object.fromEntries(columnNames.map((name, i) => [`x${i}`, extras.columns![name]!(users.id)]))
  const order = {
    newest: [desc(users.createdAt), desc(users.id)],
    oldest: [asc(users.createdAt), asc(users.id)],
    email: [asc(users.email)],
    name: [asc(users.name), asc(users.email)],
  }[search.sort ?? 'newest']
  const rows = await db.select({
    id: users.id, email: users.email, name: users.name, role: users.role,
    createdAt: users.createdAt, emailVerifiedAt: users.emailVerifiedAt, deactivatedAt: users.deactivatedAt,
    deletionRequestedAt: users.deletionRequestedAt, deletionFailedAt: users.deletionFailedAt,
    ...extraColumns,
  }).from(users).where(and(...where)).orderBy(...order).limit(USERS_PAGE_SIZE + 1).offset((page - 1) * USERS_PAGE_SIZE)
  const list = rows.slice(0, USERS_PAGE_SIZE).map((row) => {
    const r = row as typeof row & Record<string, string | null>
    return {
      id: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.createdAt, emailVerifiedAt: r.emailVerifiedAt, deactivatedAt: r.deactivatedAt,
      deletionRequestedAt: r.deletionRequestedAt, deletionFailedAt: r.deletionFailedAt,
      extras: Object.fromEntries(columnNames.map((name, i) => [name, r[`x${i}`] ?? null])),
    }
  })
  return { rows: list, hasMore: rows.length > USERS_PAGE_SIZE, page }
}

export class LastAdminError extends Error {
  constructor() {
    super('This is the last active administrator: make someone else an admin first.')
    this.name = 'LastAdminError'
  }
}

/**
 * Inside a transaction: locks the active admin rows, so two admins demoting each other at once cannot
 * both succeed, and refuses when `userId` is the only one left.
 */
export async function guardLastAdmin(tx: Database, userId: string): Promise<void> {
  const admins = await tx.select({ id: users.id }).from(users)
    // An admin whose deletion is under way no longer counts (ADR 0084).
    .where(and(eq(users.role, 'admin'), isNull(users.deactivatedAt), isNull(users.deletionRequestedAt))).for('update')
  if (admins.length === 1 && admins[0]!.id === userId) throw new LastAdminError()
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]
const asDb = (tx: Tx) => tx as unknown as Database

/** Returns the previous role, or null when the user does not exist. Throws LastAdminError. */
export async function changeUserRole(db: Database, userId: string, role: Role): Promise<Role | null> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).for('update')
    if (!user) return null
    if (user.role === 'admin' && role !== 'admin') await guardLastAdmin(asDb(tx), userId)
    await tx.update(users).set({ role, updatedAt: sql`now()` }).where(eq(users.id, userId))
    // A demoted admin stops acting as anyone at once.
    if (role !== 'admin') await tx.delete(sessions).where(eq(sessions.impersonatorId, userId))
    // A promoted user is acted as by no one any more: an admin never acts as another admin (issue 19, finding 6).
    else await tx.delete(sessions).where(and(eq(sessions.userId, userId), isNotNull(sessions.impersonatorId)))
    return user.role
  })
}

/**
 * Deactivation: the flag and every session gone in one transaction, so the user's open browser is
 * refused at its next request (validateSessionToken also checks the flag), and the account's API keys
 * with it (`endCredentials`, checklist 35). Throws LastAdminError.
 */
export async function deactivateUser(db: Database, userId: string, now: Date, endCredentials?: EndCredentials): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).for('update')
    if (!user) return false
    if (user.role === 'admin') await guardLastAdmin(asDb(tx), userId)
    await tx.update(users).set({ deactivatedAt: now, updatedAt: now }).where(eq(users.id, userId))
    // Impersonation sessions of this user, and those this user holds as an impersonator, end too.
    await tx.delete(sessions).where(or(eq(sessions.userId, userId), eq(sessions.impersonatorId, userId)))
    await endCredentials?.(asDb(tx), userId, now)
    return true
  })
}

export async function reactivateUser(db: Database, userId: string): Promise<boolean> {
  const updated = await db.update(users).set({ deactivatedAt: null, updatedAt: sql`now()` }).where(eq(users.id, userId)).returning({ id: users.id })
  return updated.length > 0
}


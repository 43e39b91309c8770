import { sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import { users } from './schema'

/**
 * People where other features keep only a user id (the audit log, usage's top accounts and adjustments):
 * SQL the caller puts in its own select, so names come back in the same query as the rows — no lookup per
 * row, no extra round trip (issue 8's budget, issue 20: "people, not ID fragments"). Other features never
 * read auth's tables themselves (ADR 0006), so auth hands them expressions instead of the table.
 */

export interface PersonFields {
  /** Null when no such user exists (any more): the page shows "deleted user" and the short id. */
  name: SQL<string | null>
  email: SQL<string | null>
}

/** `userId`: a uuid column or expression of the caller's query. Two scalar subqueries on the primary key. */
export function personFields(userId: AnyPgColumn | SQL): PersonFields {
  return {
    name: sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${userId})`,
    email: sql<string | null>`(select ${users.email} from ${users} where ${users.id} = ${userId})`,
  }
}

/**
 * The ids of the users whose email contains `text` (case-insensitive), as a subquery for `x in (…)`:
 * "filter the audit log by email" without a first query for the ids. Returns uuids; compare a text
 * column with `::text`.
 */
export function userIdsWithEmail(text: string, as: 'uuid' | 'text' = 'uuid'): SQL {
  const pattern = `%${text.trim().toLowerCase().replace(/[%_\\]/g, '\\$&')}%`
  const id = as === 'text' ? sql`${users.id}::text` : sql`${users.id}`
  return sql`select ${id} from ${users} where lower(${users.email}) like ${pattern}`
}

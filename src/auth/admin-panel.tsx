import { count, desc, isNotNull, sql } from 'drizzle-orm'
import type { AdminPanel } from '../platform/feature'
import type { Database } from '../platform/db'
import { AdminTable, Stat, StatRow, formatWhen } from '../platform/admin-ui'
import { users } from './schema'

export const NEWEST_USERS_LIMIT = 20

export async function getUserFigures(db: Database) {
  const [counts, newest] = await Promise.all([
    db.select({
      total: count(),
      verified: count(users.emailVerifiedAt),
      admins: sql<number>`count(*) filter (where ${users.role} = 'admin')`.mapWith(Number),
    }).from(users),
    db.select({ id: users.id, name: users.name, email: users.email, role: users.role, verified: isNotNull(users.emailVerifiedAt), createdAt: users.createdAt })
      .from(users).orderBy(desc(users.createdAt)).limit(NEWEST_USERS_LIMIT),
  ])
  return { counts: counts[0] ?? { total: 0, verified: 0, admins: 0 }, newest }
}

export const usersAdminPanel: AdminPanel<Awaited<ReturnType<typeof getUserFigures>>> = {
  id: 'users',
  title: 'Users',
  order: 0,
  load: (db) => getUserFigures(db),
  render: ({ counts, newest }) => (
    <>
      <StatRow>
        <Stat label="Users" value={counts.total} />
        <Stat label="Verified" value={counts.verified} />
        <Stat label="Admins" value={counts.admins} />
      </StatRow>
      <h3 class="title is-5" id="newest-users">Newest users</h3>
      <AdminTable labelledBy="newest-users" head={['Name', 'Email', 'Role', 'Verified', 'Joined']}>
        {newest.map((u) => (
          <tr>
            <td>{u.name}</td>
            <td>{u.email}</td>
            <td>{u.role}</td>
            <td>{u.verified ? 'yes' : 'no'}</td>
            <td class="nowrap">{formatWhen(u.createdAt)}</td>
          </tr>
        ))}
      </AdminTable>
    </>
  ),
}

// The limit for signed-in pages in `npm run bench`: a bare Hono worker making the dashboard's two
// sequential SQL-over-HTTP trips with the app's driver (@neondatabase/serverless + drizzle's neon-http),
// to the same local SQL endpoint, and rendering nothing else. Trip 1 is the session lookup (session joined
// to its user by the cookie's id), trip 2 the dashboard cards' queries in one batch (the plan, the usage
// meters, the storage summary), the same tables and rows the product reads for the bench user. Not part
// of the product and never deployed.
import { Hono } from 'hono'
import { neon, neonConfig } from '@neondatabase/serverless'
import { drizzle } from 'drizzle-orm/neon-http'
import { sql } from 'drizzle-orm'

type Env = { DATABASE_URL: string; NEON_WS_PROXY?: string }

const app = new Hono<{ Bindings: Env }>()
app.get('/', async (c) => {
  // As the product's src/platform/db.ts does for a local run: POST /sql on the bridge.
  const proxy = c.env.NEON_WS_PROXY
  if (proxy) neonConfig.fetchEndpoint = () => `http://${proxy.split('/')[0]}/sql`
  const db = drizzle({ client: neon(c.env.DATABASE_URL), casing: 'snake_case' })
  const cookie = c.req.header('cookie')
  // The bench's start-up probe carries no cookie; every measured request does.
  if (cookie === undefined) return c.text('up')
  const id = /session=([^.;]+)\./.exec(cookie)?.[1] ?? ''
  const { rows: [row] } = await db.execute(sql`select s.*, u.* from sessions s inner join users u on s.user_id = u.id where s.id = ${id} limit 1`)
  if (!row) return c.text('no session', 401)
  const userId = (row as { user_id: string }).user_id
  await db.batch([
    db.execute(sql`select p.*, s.status, s.current_period_start, s.current_period_end from plans p left join subscriptions s on s.plan_id = p.id and s.user_id = ${userId} and s.status in ('active', 'trialing', 'past_due') where p.id = 'free' or s.id is not null order by s.id is null, s.current_period_end desc limit 1`),
    db.execute(sql`select * from usage_meters where user_id = ${userId}`),
    db.execute(sql`select sum(size), count(*) from files where user_id = ${userId} and deleted_at is null`),
  ])
  return c.text('two trips')
})

export default app

import { Hono } from 'hono'
import type { AppEnv } from '../../platform/types'
import { requireUser } from '../guards'
import type { User } from '../schema'

// The areas of the app. One that is not built yet says so instead of linking to a 404; one that needs
// a verified address says what unlocks it.
function AreaCard({ title, href, text, locked }: { title: string; href?: string; text: string; locked?: string }) {
  return (
    <div class="column is-one-third-desktop is-half-tablet">
      <div class="card area-card">
        <div class="card-content">
          <h2 class="title is-5">
            {title}
            {!href && <span class="tag is-light ml-2">Coming soon</span>}
          </h2>
          <p>{text}</p>
          {href && (locked ? <p class="help mt-3">{locked}</p> : <p class="mt-3"><a href={href}>Open {title.toLowerCase()}</a></p>)}
        </div>
      </div>
    </div>
  )
}

function DashboardPage({ user }: { user: User }) {
  const verified = user.emailVerifiedAt !== null
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Welcome, {user.name}</h1>
        <p class="subtitle">
          Signed in as {user.email}
          {verified ? <span class="tag is-success is-light ml-2">Email verified</span> : <span class="tag is-warning is-light ml-2">Email not verified</span>}
          {user.role === 'admin' && <span class="tag is-info is-light ml-2">Admin</span>}
        </p>
        <div class="columns is-multiline">
          {/* Billing and files are later issues: once their routes exist, give each its href (and Billing and Files locked="Verify your email to unlock this." while unverified). */}
          <AreaCard title="Billing" text="Your plan, invoices and payment method." />
          <AreaCard title="Files" href="/files" text="Upload, organise and download files, with thumbnails." locked={verified ? undefined : 'Verify your email to unlock this.'} />
          <AreaCard title="Settings" href="/settings" text="Your name, email, password and active sessions." />
          {user.role === 'admin' && <AreaCard title="Admin" href="/admin" text="Users, contact messages and mail deliveries." />}
        </div>
      </div>
    </section>
  )
}

export const dashboardRoutes = new Hono<AppEnv>().get('/dashboard', requireUser, (c) =>
  c.render(<DashboardPage user={c.get('user')!} />, { title: 'Dashboard' }),
)

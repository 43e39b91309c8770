import { Hono } from 'hono'
import type { AppEnv } from '../platform/types'

const FEATURES = [
  { title: 'Accounts that hold up', text: 'Sign-up, email verification, sessions in Lucia’s design, password reset and roles.' },
  { title: 'Postgres on the edge', text: 'Neon through Drizzle, with migrations; a real embedded Postgres on your laptop.' },
  { title: 'Stripe billing', text: 'Checkout, subscriptions, invoices and signed, idempotent webhooks.' },
  { title: 'Usage and quotas', text: 'Exact meters and rate limits in Durable Objects.' },
  { title: 'Files with thumbnails', text: 'Uploads to R2, thumbnails made off the request path through a Queue.' },
  { title: 'Email that arrives', text: 'React Email templates sent through Resend, with a local outbox in development.' },
]

// Sections other features contribute (billing's pricing teaser: Feature.homeSections) follow the page's
// own; their loads run together. Without billing the home page simply has no pricing.

export const homeRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const now = new Date()
    const sections = c.get('registry').homeSections
    const data = await Promise.all(sections.map((s) => (s.load ? s.load(c.get('db'), c.env, now) : Promise.resolve(undefined))))
    return c.render(
      <>
        <section class="hero is-primary is-medium">
          <div class="hero-body">
            <div class="container">
              <h1 class="title is-1">Launch your SaaS on the edge</h1>
              <p class="subtitle">
                {c.env.APP_NAME} gives you accounts, billing, usage limits, files and email on Cloudflare Workers —
                running on your laptop in two commands.
              </p>
              <div class="buttons">
                <a class="button is-white is-medium" href="/signup">Start free</a>
                <a class="button is-primary is-light is-medium" href="/about">How it works</a>
              </div>
            </div>
          </div>
        </section>
        <section class="section" aria-labelledby="features-title">
          <div class="container">
            <h2 class="title is-3 has-text-centered" id="features-title">Everything a SaaS needs on day one</h2>
            <div class="columns is-multiline">
              {FEATURES.map((f) => (
                <div class="column is-one-third">
                  <div class="box feature-box">
                    <h3 class="title is-5">{f.title}</h3>
                    <p>{f.text}</p>
                  </div>
                </div>
              ))}
            </div>
          </div>
        </section>
        {sections.map((section, i) => section.render(data[i]))}
      </>,
      { title: 'Home' },
    )
  })
  .get('/about', (c) =>
    c.render(
      <section class="section">
        <div class="container content">
          <h1 class="title">About {c.env.APP_NAME}</h1>
          <p>
            {/* Out of the box APP_NAME is the kit's own name: "QuickScale Edge is built on QuickScale Edge" read oddly. */}
            {c.env.APP_NAME === 'QuickScale Edge' ? 'QuickScale Edge is' : `${c.env.APP_NAME} is built on QuickScale Edge,`} an
            open SaaS starter kit that runs on Cloudflare Workers. It re-creates the QuickScale Django starter — authentication, public pages, dashboards, billing, usage
            tracking, files and transactional email — on an edge stack.
          </p>
          <h2>The stack</h2>
          <ul>
            <li>Hono on Workers renders every page on the server; htmx and Alpine.js add interactivity.</li>
            <li>Postgres (Neon in production, an embedded Postgres locally) through Drizzle ORM.</li>
            <li>R2 for files, Durable Objects for meters and rate limits, Queues for email and thumbnails.</li>
            <li>Stripe for billing and Resend for email.</li>
          </ul>
          <h2>Why the edge</h2>
          <p>
            Pages render close to your users, deploy with one command, and cost nothing while idle. The same code
            runs on your laptop with a real database, so what you test is what you ship.
          </p>
        </div>
      </section>,
      { title: 'About' },
    ),
  )

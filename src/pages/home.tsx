import { Hono } from 'hono'
import type { Registry } from '../platform/feature'
import { renderOnce } from '../platform/render-once'
import { visitorLayoutKey } from '../platform/layout'
import type { AppEnv } from '../platform/types'
import { Icon } from '../platform/icons'
import { fillAppName, site } from '../site.config'

// The landing page (issue 20): every word comes from src/site.config.ts, the one file a buyer edits.
// Sections other features contribute (billing's pricing teaser: Feature.homeSections) sit between "how it
// works" and the FAQ; their loads run together. Without billing the home page simply has no pricing.

// A link in the copy is shown only while a feature serves its page (its href is a registry nav entry):
// without billing, "See pricing" goes with the pricing page instead of leading to a 404.
function isServed(href: string, served: Set<string>): boolean {
  return href === '/' || served.has(new URL(href, 'http://x').pathname)
}

const HERO_SIZES = '(max-width: 1100px) calc(100vw - 3rem), 1040px'

function Hero({ appName, served }: { appName: string; served: Set<string> }) {
  const { hero } = site
  return (
    <section class="landing-hero" aria-labelledby="hero-title">
      <div class="container landing-hero-inner">
        <p class="landing-eyebrow"><Icon name="sparkles" /> {fill(hero.eyebrow, appName)}</p>
        <h1 class="landing-hero-title" id="hero-title">{fill(hero.title, appName)}</h1>
        <p class="landing-hero-subtitle">{fill(hero.subtitle, appName)}</p>
        <div class="landing-actions">
          {isServed(hero.primary.href, served) && <a class="button is-primary is-medium" href={hero.primary.href}>{fill(hero.primary.label, appName)} <Icon name="arrow-right" /></a>}
          {isServed(hero.secondary.href, served) && <a class="button is-medium landing-secondary" href={hero.secondary.href}>{fill(hero.secondary.label, appName)}</a>}
        </div>
        <p class="landing-note">{fill(hero.note, appName)}</p>
        <figure class="landing-shot">
          <div class="landing-shot-bar" aria-hidden="true"><span></span><span></span><span></span></div>
          {/* The LCP element on phones: WebP where the browser takes it (half the JPEG's bytes), the 640 px
              file at 412 px × DPR 1.75 (364 CSS px wide), high fetch priority, never lazy (docs/performance.md). */}
          <picture>
            <source type="image/webp" srcset="/images/product-dashboard-640.webp 640w, /images/product-dashboard-1280.webp 1280w" sizes={HERO_SIZES} />
            <img
              src="/images/product-dashboard-1280.jpg"
              srcset="/images/product-dashboard-640.jpg 640w, /images/product-dashboard-1280.jpg 1280w"
              sizes={HERO_SIZES}
              width="1280"
              height="800"
              fetchpriority="high"
              alt={`The ${appName} dashboard: plan, files and usage at a glance, with the app's sidebar.`}
            />
          </picture>
        </figure>
      </div>
    </section>
  )
}

function Features({ appName }: { appName: string }) {
  const { features } = site
  return (
    <section class="section landing-section" aria-labelledby="features-title">
      <div class="container">
        <header class="landing-section-head">
          <h2 class="title is-2" id="features-title">{fill(features.title, appName)}</h2>
          <p class="subtitle is-5">{fill(features.subtitle, appName)}</p>
        </header>
        <div class="landing-features">
          {features.items.map((f) => (
            <article class="landing-feature">
              <span class="landing-feature-icon"><Icon name={f.icon} /></span>
              <h3 class="title is-5">{fill(f.title, appName)}</h3>
              <p>{fill(f.text, appName)}</p>
            </article>
          ))}
        </div>
      </div>
    </section>
  )
}

function Steps({ appName }: { appName: string }) {
  const { steps } = site
  return (
    <section class="section landing-section landing-steps-section" aria-labelledby="steps-title">
      <div class="container">
        <header class="landing-section-head">
          <h2 class="title is-2" id="steps-title">{fill(steps.title, appName)}</h2>
        </header>
        <ol class="landing-steps">
          {steps.items.map((step, i) => (
            <li class="landing-step">
              <span class="landing-step-number" aria-hidden="true">{i + 1}</span>
              <h3 class="title is-5">{fill(step.title, appName)}</h3>
              <p>{fill(step.text, appName)}</p>
              {step.code && <code class="landing-code">{fill(step.code, appName)}</code>}
            </li>
          ))}
        </ol>
      </div>
    </section>
  )
}

function Faq({ appName }: { appName: string }) {
  const { faq } = site
  return (
    <section class="section landing-section" aria-labelledby="faq-title">
      <div class="container landing-narrow">
        <header class="landing-section-head">
          <h2 class="title is-2" id="faq-title">{fill(faq.title, appName)}</h2>
        </header>
        <div class="landing-faq">
          {faq.items.map((item) => (
            <details class="landing-faq-item">
              <summary>{fill(item.question, appName)}<Icon name="chevron-down" /></summary>
              <p>{fill(item.answer, appName)}</p>
            </details>
          ))}
        </div>
      </div>
    </section>
  )
}

function FinalCta({ appName, served }: { appName: string; served: Set<string> }) {
  const { finalCta } = site
  return (
    <section class="section" aria-labelledby="cta-title">
      <div class="container">
        <div class="landing-cta">
          <h2 class="title is-2" id="cta-title">{fill(finalCta.title, appName)}</h2>
          <p>{fill(finalCta.text, appName)}</p>
          <div class="landing-actions">
            {isServed(finalCta.primary.href, served) && <a class="button is-medium landing-cta-primary" href={finalCta.primary.href}>{fill(finalCta.primary.label, appName)}</a>}
            {isServed(finalCta.secondary.href, served) && <a class="button is-medium landing-cta-secondary" href={finalCta.secondary.href}>{fill(finalCta.secondary.label, appName)}</a>}
          </div>
        </div>
      </div>
    </section>
  )
}

const fill = fillAppName

// The copy around the features' sections depends only on APP_NAME and on which pages the registry serves:
// rendered once per isolate (issue 23: the home page's own work against a bare worker), not per request.
const staticParts = new WeakMap<Registry, { appName: string; before: ReturnType<typeof renderOnce>; after: ReturnType<typeof renderOnce> }>()

function landingCopy(registry: Registry, appName: string) {
  const cached = staticParts.get(registry)
  if (cached?.appName === appName) return cached
  const served = new Set(registry.nav.map((item) => item.href))
  const parts = {
    appName,
    before: renderOnce(<><Hero appName={appName} served={served} /><Features appName={appName} /><Steps appName={appName} /></>),
    after: renderOnce(<><Faq appName={appName} /><FinalCta appName={appName} served={served} /></>),
  }
  staticParts.set(registry, parts)
  return parts
}

// A visitor's home page, whole, per layout key (theme, APP_NAME, origin: visitorLayoutKey) while every
// section's data is the same object (billing keeps its catalogue per isolate for a minute, so the cached page
// lasts as long): a HomeSection renders from its data alone. Issue 23: rendering the page's JSX was about
// 40 % of the home page's Worker CPU; now it is once per minute and theme.
const visitorPages = new Map<string, { registry: Registry; data: unknown[]; html: string }>()
const MAX_VISITOR_PAGES = 8

const sameItems = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((item, i) => item === b[i])

export const homeRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const now = new Date()
    const appName = c.env.APP_NAME
    const registry = c.get('registry')
    const sections = registry.homeSections
    const copy = landingCopy(registry, appName)
    const data = await Promise.all(sections.map((s) => (s.load ? s.load(c.get('db'), c.env, now) : Promise.resolve(undefined))))
    const key = visitorLayoutKey(c)
    const cached = key === null ? undefined : visitorPages.get(key)
    if (cached !== undefined && cached.registry === registry && sameItems(cached.data, data)) return c.html(cached.html)
    const page = await c.render(
      <>
        {copy.before}
        {sections.map((section, i) => section.render(data[i]))}
        {copy.after}
      </>,
      { title: fill(site.hero.title, appName), description: fill(site.description, appName) },
    )
    if (key === null || page.status !== 200) return page
    const html = await page.text()
    if (visitorPages.size >= MAX_VISITOR_PAGES) visitorPages.clear()
    visitorPages.set(key, { registry, data, html })
    return c.html(html)
  })
  .get('/about', (c) =>
    c.render(
      <section class="section">
        <div class="container content">
          <h1 class="title">About {c.env.APP_NAME}</h1>
          {/* Out of the box APP_NAME is the kit's own name; a product made by `quickscale init --name` says it
              is built on the kit (a deliberate credit) and leaves out the kit's own history. */}
          {c.env.APP_NAME === 'QuickScale Edge' ? (
            <p>
              QuickScale Edge is an open SaaS starter kit that runs on Cloudflare Workers. It re-creates the QuickScale Django starter —
              authentication, public pages, dashboards, billing, usage tracking, files and transactional email — on an edge stack.
            </p>
          ) : (
            <p>{c.env.APP_NAME} runs on Cloudflare Workers, built with the QuickScale Edge starter kit.</p>
          )}
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

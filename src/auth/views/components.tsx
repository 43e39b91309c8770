import type { Child } from 'hono/jsx'

// The narrow centred column every auth form sits in.
export function AuthPage({ title, subtitle, children }: { title: string; subtitle?: string; children?: Child }) {
  return (
    <section class="section">
      <div class="container">
        <div class="columns is-centered">
          <div class="column is-half-tablet is-5-desktop">
            <h1 class="title">{title}</h1>
            {subtitle && <p class="subtitle">{subtitle}</p>}
            {children}
          </div>
        </div>
      </div>
    </section>
  )
}

export function SubmitButton({ label, kind = 'is-primary' }: { label: string; kind?: string }) {
  return (
    <div class="field">
      <div class="control">
        <button class={`button ${kind}`} type="submit">{label}</button>
      </div>
    </div>
  )
}

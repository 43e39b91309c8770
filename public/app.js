// The page's plain script: htmx's focus and flash handling, the navbar's burger, the pricing switch, the theme
// switch, loading feedback on form posts. Alpine and the components (public/components.js) are loaded only
// by a page that has one (the end of this file, ADR 0103).

// Move keyboard focus to the first invalid field after htmx swaps in a form with errors.
// With hx-swap="outerHTML" the event's target is the element that was replaced (no longer in the
// page), so look its id up again to find the new content.
document.addEventListener('htmx:afterSwap', (event) => {
  const target = event.detail.target
  if (!target) return
  const root = target.isConnected ? target : (target.id ? document.getElementById(target.id) : null)
  const invalid = root ? root.querySelector('[aria-invalid="true"]') : null
  if (invalid) { invalid.focus(); return }
  // No field to fix ("Incorrect email or password.", "Too many attempts…", "we sent a link"): the button
  // that had focus was swapped away, which drops keyboard focus to the top of the page. Put it on the
  // message instead, so the next Tab continues inside the form.
  const lost = !document.activeElement || document.activeElement === document.body
  const notice = root ? root.querySelector('.notification') : null
  if (lost && notice) {
    notice.setAttribute('tabindex', '-1')
    notice.focus()
  }
})

// A flash is shown once: it belongs to the page load that carried it. Any htmx answer swapped into the
// page replaces it, so "Your password has been changed" never sits above the next form's error
// (issue 9). An answer aimed at the flash region itself (renderError's retarget) replaces it anyway.
document.addEventListener('htmx:beforeSwap', (event) => {
  const region = document.getElementById('flash-region')
  if (!region || event.detail.target === region || !event.detail.shouldSwap) return
  region.replaceChildren()
})

// Loading feedback: a plain (non-htmx) form post that navigates away — checkout, billing portal, log in —
// can take a second or two; its submit button shows a spinner meanwhile. Coming back with the browser's
// Back button restores the page from the back/forward cache, so clear it there.
document.addEventListener('submit', (event) => {
  const form = event.target
  if (event.defaultPrevented || form.hasAttribute('hx-post') || form.hasAttribute('hx-get')) return
  const button = event.submitter
  if (button && button.classList.contains('button')) button.classList.add('is-loading')
})
window.addEventListener('pageshow', () => {
  for (const button of document.querySelectorAll('.button.is-loading')) button.classList.remove('is-loading')
})

// The public navbar's burger (src/platform/site-shell.tsx) below 1024 px: opens and closes the menu it
// controls. Plain script, not an Alpine component, so a public page without other components loads no Alpine.
document.addEventListener('click', (event) => {
  const burger = event.target.closest('.navbar-burger[aria-controls]')
  if (!burger) return
  const open = burger.getAttribute('aria-expanded') !== 'true'
  burger.setAttribute('aria-expanded', open ? 'true' : 'false')
  burger.classList.toggle('is-active', open)
  const menu = document.getElementById(burger.getAttribute('aria-controls'))
  if (menu) menu.classList.toggle('is-active', open)
})

// /pricing: the monthly/yearly switch in place (src/billing/views/pricing.tsx renders both panels; without
// script its buttons submit ?interval=). Plain script like the navbar, so no public page needs Alpine.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-interval-switch] button[name="interval"]')
  if (!button) return
  event.preventDefault()
  for (const other of button.form.querySelectorAll('button[name="interval"]')) {
    const on = other === button
    other.setAttribute('aria-pressed', on ? 'true' : 'false')
    other.classList.toggle('is-primary', on)
    other.classList.toggle('is-selected', on)
  }
  for (const panel of document.querySelectorAll('[data-interval-panel]')) panel.hidden = panel.dataset.intervalPanel !== button.value
})

// Light / dark / system (src/platform/theme.tsx). The choice goes into a cookie the server reads to render
// <html data-theme> (no flash on the next load); "system" deletes it. Every switch on the page (footer,
// account menu) shows the same choice. The switches are hidden until this has run: without script they
// could do nothing.
function showThemeChoice(choice) {
  for (const button of document.querySelectorAll('.theme-switch button[data-choice]')) {
    button.setAttribute('aria-pressed', button.dataset.choice === choice ? 'true' : 'false')
  }
}
function applyTheme(choice) {
  const root = document.documentElement
  const secure = location.protocol === 'https:' ? '; Secure' : ''
  if (choice === 'system') {
    delete root.dataset.theme
    document.cookie = `theme=; Path=/; Max-Age=0; SameSite=Lax${secure}`
  } else {
    root.dataset.theme = choice
    document.cookie = `theme=${choice}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`
  }
  const scheme = document.querySelector('meta[name="color-scheme"]')
  if (scheme) scheme.content = choice === 'system' ? 'light dark' : choice
  showThemeChoice(choice)
}
document.addEventListener('click', (event) => {
  const button = event.target.closest('.theme-switch button[data-choice]')
  if (button) applyTheme(button.dataset.choice)
})
for (const themeSwitch of document.querySelectorAll('.theme-switch[hidden]')) themeSwitch.hidden = false

// Alpine (CSP build, 72 KB) and the components (public/components.js) are fetched and started only when the
// page has a component (x-data): the app shell and what is inside it (uploads, charts, copy buttons). Public
// pages have none, and Alpine's start-up was most of their main-thread work (ADR 0103). Content htmx swaps in
// later is checked too. Tests and tools wait for `window.appScriptsReady`: true once the page's scripts
// (Alpine too, when needed) have started. The versioned URLs (ADR 0105) come from this script's own tag
// (src/platform/layout.tsx).
const { alpineSrc: ALPINE_SRC, componentsSrc: COMPONENTS_SRC } = document.currentScript.dataset
let alpineRequested = false
function loadAlpineFor(root) {
  if (alpineRequested) return
  if (!(root.matches && root.matches('[x-data]')) && !root.querySelector('[x-data]')) return
  alpineRequested = true
  window.appScriptsReady = false
  document.addEventListener('alpine:initialized', () => { window.appScriptsReady = true }, { once: true })
  // Inserted scripts run as soon as they arrive unless `async` is off: then in order, so the components
  // have registered on `alpine:init` before Alpine starts and fires it.
  for (const src of [COMPONENTS_SRC, ALPINE_SRC]) {
    const script = document.createElement('script')
    script.src = src
    script.async = false
    document.head.append(script)
  }
}
window.appScriptsReady = true
loadAlpineFor(document)
document.addEventListener('htmx:load', (event) => loadAlpineFor(event.detail.elt))

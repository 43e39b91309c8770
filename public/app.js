// Alpine components for the CSP build of Alpine (no eval): behaviour lives here, markup only
// names it (x-data="navbar", x-bind="burger").
document.addEventListener('alpine:init', () => {
  window.Alpine.data('navbar', () => ({
    open: false,
    burger: {
      ['@click']() { this.open = !this.open },
      [':aria-expanded']() { return this.open ? 'true' : 'false' },
      [':class']() { return { 'is-active': this.open } },
    },
    menu: {
      [':class']() { return { 'is-active': this.open } },
    },
  }))

  // /pricing: monthly/yearly switch without a reload (src/billing/views/pricing.tsx renders both panels).
  const intervalButton = (value) => ({
    ['@click.prevent']() { this.interval = value },
    [':aria-pressed']() { return this.interval === value ? 'true' : 'false' },
    [':class']() { return { 'is-primary': this.interval === value, 'is-selected': this.interval === value } },
  })
  window.Alpine.data('pricing', () => ({
    interval: 'month',
    init() { this.interval = this.$el.dataset.interval === 'year' ? 'year' : 'month' },
    monthlyButton: intervalButton('month'),
    yearlyButton: intervalButton('year'),
    monthlyPanel: { [':hidden']() { return this.interval !== 'month' } },
    yearlyPanel: { [':hidden']() { return this.interval !== 'year' } },
  }))
})

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

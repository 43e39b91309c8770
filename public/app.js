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
})

// Move keyboard focus to the first invalid field after htmx swaps in a form with errors.
document.addEventListener('htmx:afterSwap', (event) => {
  const invalid = event.detail.target && event.detail.target.querySelector
    ? event.detail.target.querySelector('[aria-invalid="true"]')
    : null
  if (invalid) invalid.focus()
})

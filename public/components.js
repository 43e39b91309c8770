// Alpine components for the CSP build of Alpine (no eval): behaviour lives here, markup only names it
// (x-data="uploader", x-bind="panel"). public/app.js loads this file, then Alpine, only on a page that has a
// component (x-data: the app shell and what is inside it), so public pages fetch neither (ADR 0103). Each
// registers on `alpine:init`, which Alpine fires when it starts: this file always runs before it.
document.addEventListener('alpine:init', () => {
  // File uploads (src/files/views/upload.tsx): files come from the picker or a drop, are checked for type
  // and size before sending, then go one XHR per file with the raw bytes as the body, so the progress bar
  // follows real upload progress and the server can stream the file to storage. The server checks
  // everything again (magic bytes, size, quota) and its refusal message is shown in red. Without this
  // component the panel is a plain multipart form post.
  const UPLOADED_VISIBLE_MS = 4000
  const carriesFiles = (event) => Boolean(event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files'))
  window.Alpine.data('uploader', () => ({
    items: [],
    projectId: '',
    nextId: 1,
    dragging: false,
    init() {
      const select = this.$root.querySelector('#upload-project')
      if (select) this.projectId = select.value
    },
    panel: {
      // The no-JS Upload button goes away and the file input hides behind its label (still focusable).
      [':class']() { return { 'is-enhanced': true } },
      // Files dropped beside the zone are ignored rather than opened by the browser in place of the page.
      ['@dragover.window'](event) { if (carriesFiles(event)) event.preventDefault() },
      ['@drop.window'](event) { if (carriesFiles(event)) event.preventDefault() },
      ['@submit.prevent']() {
        const input = this.$root.querySelector('#upload-input')
        this.addFiles(Array.from(input.files || []))
        input.value = ''
      },
    },
    picker: {
      ['@change'](event) {
        this.addFiles(Array.from(event.target.files || []))
        event.target.value = ''
      },
    },
    dropZone: {
      [':class']() { return { 'is-dragover': this.dragging } },
      ['@dragenter.prevent']() { this.dragging = true },
      ['@dragover.prevent'](event) {
        this.dragging = true
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
      },
      // Leaving for a child of the zone is not leaving the zone.
      ['@dragleave'](event) { if (!this.$el.contains(event.relatedTarget)) this.dragging = false },
      ['@drop.prevent'](event) {
        this.dragging = false
        this.addFiles(Array.from((event.dataTransfer && event.dataTransfer.files) || []))
      },
    },
    dismissButton: {
      [':aria-label']() { return `Dismiss ${this.item.name}` },
      ['@click']() { this.dismiss(this.item) },
    },
    dismiss(item) {
      this.items = this.items.filter((other) => other.id !== item.id)
    },
    check(file) {
      // $root: inside the input's @change handler, $el is the input, not the panel that carries the limits.
      const data = this.$root.dataset
      const accept = (data.accept || '').split(',')
      const dot = file.name.lastIndexOf('.')
      const ext = dot > 0 ? file.name.slice(dot).toLowerCase() : ''
      if (!accept.includes(ext)) return 'This file type is not accepted.'
      if (file.size === 0) return 'This file is empty.'
      if (file.size > Number(data.maxBytes)) return `This file is too large: the limit is ${data.maxLabel}.`
      return ''
    },
    addFiles(files) {
      for (const file of files) {
        const problem = this.check(file)
        this.items.push({
          id: this.nextId++, name: file.name, percent: 0, sent: !problem, status: problem ? 'error' : 'sending',
          message: problem || 'Uploading…', messageClass: problem ? 'has-text-danger-on-scheme' : '',
          progressClass: 'is-info', progressLabel: `Uploading ${file.name}`,
        })
        if (!problem) this.send(this.items[this.items.length - 1], file)
      }
    },
    finish(item, ok, message) {
      item.status = ok ? 'done' : 'error'
      item.message = message
      item.messageClass = ok ? 'has-text-success-on-scheme' : 'has-text-danger-on-scheme'
      item.progressClass = ok ? 'is-success' : 'is-danger'
      item.progressLabel = `${ok ? 'Uploaded' : 'Not uploaded'}: ${item.name}`
      // A success needs no action and leaves on its own; a refusal stays until dismissed.
      if (ok) setTimeout(() => this.dismiss(item), UPLOADED_VISIBLE_MS)
    },
    send(item, file) {
      const params = new URLSearchParams({ name: file.name })
      if (this.projectId) params.set('projectId', this.projectId)
      const xhr = new XMLHttpRequest()
      xhr.open('POST', `/files/upload?${params}`)
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) item.percent = Math.round((event.loaded / event.total) * 100)
      })
      xhr.addEventListener('load', () => {
        let body = null
        try { body = JSON.parse(xhr.responseText) } catch { /* an HTML error page */ }
        if (xhr.status === 201) {
          item.percent = 100
          this.finish(item, true, 'Uploaded.')
          window.htmx.trigger(document.body, 'files-changed')
        } else {
          this.finish(item, false, (body && body.error) || `Upload refused (${xhr.status}).`)
        }
      })
      xhr.addEventListener('error', () => this.finish(item, false, 'The upload failed: check your connection and try again.'))
      xhr.send(file)
    },
  }))

  // Copy buttons (src/usage/api-keys-page.tsx: a new API key, a curl example). The text is the x-ref
  // "source" (an input's value or a block's text). Without the Clipboard API (plain http, an old browser, a
  // refused permission) the text is selected instead, so the platform's own copy works, and the live
  // region says which happened. The button is hidden until this runs: without JavaScript it could do nothing.
  const COPIED_VISIBLE_MS = 4000
  window.Alpine.data('copyable', () => ({
    buttonLabel: 'Copy',
    status: '',
    timer: 0,
    copyControl: { [':hidden']() { return false } },
    copyButton: { ['@click']() { this.copy() } },
    select(source) {
      if (typeof source.select === 'function') { source.focus(); source.select(); return }
      const range = document.createRange()
      range.selectNodeContents(source)
      const selection = window.getSelection()
      selection.removeAllRanges()
      selection.addRange(range)
    },
    async copy() {
      const source = this.$refs.source
      const text = 'value' in source ? source.value : source.textContent
      try {
        if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard')
        await navigator.clipboard.writeText(text)
        this.buttonLabel = 'Copied'
        this.status = 'Copied to the clipboard.'
        clearTimeout(this.timer)
        this.timer = setTimeout(() => { this.buttonLabel = 'Copy'; this.status = '' }, COPIED_VISIBLE_MS)
      } catch {
        // Stays until the next click: the reader needs it to finish the copy by hand.
        this.select(source)
        this.status = 'Copying is not available here: the text is selected, press Ctrl+C (⌘C on a Mac).'
      }
    },
  }))

  // Bar charts (src/platform/chart.tsx): one tab stop per chart (the bar with tabindex 0, the latest at
  // first); the arrow keys, Home and End move it between bars, whose value label shows on :focus-visible.
  // A roving tabindex, as in WAI-ARIA's composite widgets, so thirty bars are not thirty tab stops.
  const CHART_KEYS = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }
  window.Alpine.data('barChart', () => ({
    keys: {
      ['@keydown'](event) {
        const bars = Array.from(this.$root.querySelectorAll('[data-bar]'))
        const from = bars.indexOf(event.target.closest('[data-bar]'))
        if (from < 0) return
        const to = event.key === 'Home' ? 0 : event.key === 'End' ? bars.length - 1
          : event.key in CHART_KEYS ? Math.min(bars.length - 1, Math.max(0, from + CHART_KEYS[event.key])) : -1
        if (to < 0) return
        event.preventDefault()
        bars[from].setAttribute('tabindex', '-1')
        bars[to].setAttribute('tabindex', '0')
        bars[to].focus()
      },
    },
  }))
})

// Design system (issue 20): the app shell's drawer and account menu.
document.addEventListener('alpine:init', () => {
  // The app shell's drawer below 1024 px: the menu button opens it, Escape / the backdrop / the close
  // button close it, and focus moves in and back out. Without script, #app-sidebar:target does the same.
  window.Alpine.data('appShell', () => ({
    open: false,
    shell: {
      ['@keydown.escape.window']() { if (this.open) this.close() },
    },
    drawer: {
      [':class']() { return { 'is-open': this.open } },
    },
    menuButton: {
      ['@click.prevent']() {
        this.open = true
        this.$nextTick(() => { const first = document.querySelector('#app-sidebar a'); if (first) first.focus() })
      },
      [':aria-expanded']() { return this.open ? 'true' : 'false' },
    },
    closeButton: { ['@click.prevent']() { this.close() } },
    backdrop: { ['@click.prevent']() { this.close() } },
    close() {
      this.open = false
      const button = document.querySelector('.app-menu-button')
      if (button) button.focus()
    },
  }))

  // A <details> menu that closes like a menu: on Escape and on a click outside it.
  window.Alpine.data('disclosure', () => ({
    root: {
      ['@keydown.escape']() {
        if (!this.$root.open) return
        this.$root.open = false
        this.$root.querySelector('summary').focus()
      },
      ['@click.outside']() { this.$root.open = false },
    },
  }))
})

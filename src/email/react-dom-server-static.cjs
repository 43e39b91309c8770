// Stands in for 'react-dom/server' in the Worker bundle (wrangler.toml [alias]). React's own entry
// (react-dom/server.edge.js) loads the streaming renderer next to the static one; mail needs only
// renderToStaticMarkup, about 50 KiB gzip less (docs/decisions/0010-email-rendering.md). Like React's
// entries, it picks the build that matches React's: the bundler drops the other branch.
'use strict'
if (process.env.NODE_ENV === 'production') {
  module.exports = require('../../node_modules/react-dom/cjs/react-dom-server-legacy.browser.production.js')
} else {
  module.exports = require('../../node_modules/react-dom/cjs/react-dom-server-legacy.browser.development.js')
}

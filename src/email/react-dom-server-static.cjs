// 'react-dom/server' for the Worker: the entry of its separately uploaded module src/lazy/react-dom-server.js
// (scripts/separate-modules.mjs, ADR 0104). React's own entry (react-dom/server.edge.js) loads the streaming
// renderer next to the static one; mail needs only renderToStaticMarkup, about 50 KiB gzip less
// (docs/decisions/0010-email-rendering.md). Like React's entries it picks the build by NODE_ENV, the same for
// the React copy bundled with it (mixing a production renderer with a development React fails).
'use strict'
if (process.env.NODE_ENV === 'production') {
  module.exports = require('../../node_modules/react-dom/cjs/react-dom-server-legacy.browser.production.js')
} else {
  module.exports = require('../../node_modules/react-dom/cjs/react-dom-server-legacy.browser.development.js')
}

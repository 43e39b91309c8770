// Serves the OAuth stand-in (standin.mjs) over HTTP on loopback for `npm run dev` and the browser tests.
import http from 'node:http'
import { createOAuthStandin, STANDIN_CLIENTS } from './standin.mjs'

/** The variables that point the app at the stand-in: its keys and its address. */
export function standinVars(baseUrl) {
  return {
    GITHUB_CLIENT_ID: STANDIN_CLIENTS.github.id,
    GITHUB_CLIENT_SECRET: STANDIN_CLIENTS.github.secret,
    GOOGLE_CLIENT_ID: STANDIN_CLIENTS.google.id,
    GOOGLE_CLIENT_SECRET: STANDIN_CLIENTS.google.secret,
    OAUTH_STANDIN_URL: baseUrl,
  }
}

/** Starts the stand-in on 127.0.0.1:port. Returns { baseUrl, close }. */
export async function startOAuthStandin({ port }) {
  const baseUrl = `http://127.0.0.1:${port}`
  const standin = createOAuthStandin({ baseUrl })
  const server = http.createServer(async (req, res) => {
    try {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const body = chunks.length ? Buffer.concat(chunks) : undefined
      const request = new Request(new URL(req.url, baseUrl), { method: req.method, headers: req.headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body })
      const response = await standin.handle(request)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(err?.message ?? err))
    }
  })
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve) })
  return { baseUrl, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections() }) }
}

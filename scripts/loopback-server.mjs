// Serves a fetch-style handler ((Request) => Promise<Response>) over HTTP on 127.0.0.1: the local
// stand-ins (Stripe, OAuth) are written as such handlers so the workers tests can call them at `fetch`,
// and `npm run dev` and the browser tests reach the same code over a socket through this.
import http from 'node:http'

/** Listens on 127.0.0.1:port. Returns { baseUrl, close }. A handler that throws answers 500 with its message. */
export async function serveOnLoopback(port, handle) {
  const baseUrl = `http://127.0.0.1:${port}`
  const server = http.createServer(async (req, res) => {
    try {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const body = chunks.length ? Buffer.concat(chunks) : undefined
      const request = new Request(new URL(req.url, baseUrl), { method: req.method, headers: req.headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body })
      const response = await handle(request)
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

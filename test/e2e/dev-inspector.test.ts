import WebSocket from 'ws'
import { expect, inject, it } from 'vitest'

// ADR 0082 (superseding 0081's patch): since upstream's fix, wrangler dev's inspector proxy enables the
// runtime's Network domain only while a DevTools window is connected and disables it when it leaves.
// wrangler 4.86 collected Network events from the start, logged each one through wrangler's Node process
// (~11 ms CPU and ~13 KB of ~/.config/.wrangler/logs per signed-in page) and replayed the backlog to the
// first DevTools that connected. The backlog is the witness, so an upgrade that brings it back fails here:
// requests made before DevTools connects must not reach it, a request made after must.
const baseUrl = inject('baseUrl')
const inspectorPort = inject('inspectorPort')

it('DevTools sees the Worker’s database requests made while it is connected, and no backlog from before', async () => {
  // Each /health makes one database request (an outbound fetch to the SQL endpoint).
  for (let i = 0; i < 3; i++) expect((await fetch(`${baseUrl}/health`)).status).toBe(200)
  const connectedAt = Date.now() / 1000
  const devtools = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`)
  const sent: { wallTime: number; url: string }[] = []
  devtools.on('message', (data) => {
    const message = JSON.parse(String(data))
    if (message.method === 'Network.requestWillBeSent') sent.push({ wallTime: message.params.wallTime, url: message.params.request.url })
  })
  try {
    await new Promise((resolve, reject) => { devtools.once('open', resolve); devtools.once('error', reject) })
    // Chrome's DevTools front end asks for the Network domain as it connects; so does this stand-in. A
    // request now may race that, so ask until a database request is seen. Other test files' requests (Stripe, the mail outbox) may arrive
    // too: they are made while connected, so they pass the check below as well.
    devtools.send(JSON.stringify({ id: 1, method: 'Network.enable' }))
    const sawDatabase = () => sent.some((e) => /\/sql$/.test(e.url))
    const deadline = Date.now() + 30_000
    while (!sawDatabase() && Date.now() < deadline) {
      await fetch(`${baseUrl}/health`)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(sawDatabase(), 'no database request reached DevTools').toBe(true)
    // A clock step of a few ms between the two processes on one machine is tolerated.
    expect(sent.filter((e) => e.wallTime < connectedAt - 0.05), 'events from before DevTools connected').toEqual([])
  } finally {
    devtools.close()
  }
}, 60_000)

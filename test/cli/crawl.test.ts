import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crawlSite } from '../../src/cli/crawl'

// The crawler against a small site of known faults, served by Node: what it must report, and what it
// must not (a request it cut off itself by moving on). The app-wide crawl is test/e2e/cli-admin.test.ts.
const held: http.ServerResponse[] = []
const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><title>${title}</title><link rel="icon" href="/held-icon.svg"></head><body>${body}</body></html>`
const server = http.createServer((req, res) => {
  const html = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/html' }).end(body)
  switch (req.url) {
    case '/': return html(200, page('Home', '<a href="/broken-image">one</a> <a href="/gone">two</a> <a href="/logout">out</a> <a href="https://example.com/">away</a>'))
    case '/broken-image': return html(200, page('Picture', '<img src="/picture.png" alt="a picture">'))
    case '/picture.png': return res.writeHead(500).end()
    case '/gone': return html(404, page('Not found', 'nothing here'))
    // Never answered: the favicon is fetched after `load`, so the crawler always leaves it in flight.
    case '/held-icon.svg': held.push(res); return
    default: return html(500, page('Error', 'unexpected request'))
  }
})
let baseUrl = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const res of held) res.destroy()
  await new Promise((resolve) => server.close(resolve))
})

describe('crawlSite', () => {
  it('reports failed assets and pages with where they were linked from, not requests it cancelled itself', async () => {
    const report = await crawlSite({ baseUrl, maxPages: 10, chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', log: () => {} })
    expect(report.pages).toEqual(['/', '/broken-image', '/gone'])
    expect(held.length).toBeGreaterThan(0) // the favicon was asked for, and left hanging
    expect(report.problems).toEqual(expect.arrayContaining([
      { page: '/broken-image', problem: 'asset /picture.png answered 500' },
      { page: '/gone', problem: 'answered 404 (linked from /)' },
    ]))
    // Chromium also logs each failed resource as a console error; nothing else may be reported.
    const others = report.problems.filter((p) => !/answered (404|500)|^console error: Failed to load resource/.test(p.problem))
    expect(others).toEqual([])
  }, 60_000)
})

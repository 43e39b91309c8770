import { raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { Child } from 'hono/jsx'

/**
 * Markup that depends only on configuration (the head's asset tags, the landing copy), rendered by hono's
 * JSX once per isolate, escaped exactly as every page is, and reused as is (issue 23, ADR 0102). It takes a
 * JSX tree, never a string: this is the one place in src/ besides the mail text renderer where raw() is
 * allowed (test/scripts/no-raw-html.test.ts, checklist 16), and nothing from a request may reach it.
 */
export function renderOnce(node: Child): HtmlEscapedString {
  if (node instanceof Promise) throw new Error('renderOnce: an async component cannot be rendered once')
  if (typeof node === 'string') throw new Error('renderOnce: takes JSX, never a string')
  return raw(String(node))
}

import { Fragment, isValidElement, type ReactNode } from 'react'

// The plain-text part of a mail, derived from the same React tree as the HTML part, so the two never
// drift apart. React Email's own toPlainText parses the rendered HTML with html-to-text, which costs
// about 90 KiB gzip in the Worker; our templates are plain function components over a handful of HTML
// elements, so walking the tree is enough (docs/decisions/0010-email-rendering.md).

const FORWARD_REF = Symbol.for('react.forward_ref')
const MEMO = Symbol.for('react.memo')

const BLOCK = new Set([
  'html', 'body', 'div', 'section', 'table', 'tbody', 'thead', 'tr', 'td', 'th', 'p',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'blockquote', 'pre',
])
// Never part of the text: the <head>, images, and anything React Email marks (the inbox preview line).
const SKIP = new Set(['head', 'style', 'script', 'title', 'img'])
const BREAK = '\n\n'

type Props = Record<string, unknown> & { children?: ReactNode }

function isPreformatted(tag: string, props: Props): boolean {
  const style = props.style as { whiteSpace?: string } | undefined
  return tag === 'pre' || (style?.whiteSpace?.startsWith('pre') ?? false)
}

function walk(node: ReactNode, pre: boolean): string {
  if (node === null || node === undefined || typeof node === 'boolean') return ''
  if (typeof node === 'string' || typeof node === 'number') {
    const text = String(node)
    return pre ? text : text.replace(/\s+/g, ' ')
  }
  if (Array.isArray(node)) return node.map((child) => walk(child, pre)).join('')
  if (!isValidElement(node)) {
    throw new Error('plain text: unsupported node (promises and iterables are not rendered in mails)')
  }
  const { type } = node
  const props = node.props as Props
  if (type === Fragment) return walk(props.children, pre)
  if (typeof type === 'function') {
    if ((type as { prototype?: { isReactComponent?: unknown } }).prototype?.isReactComponent) {
      throw new Error(`plain text: class component ${type.name} is not supported in mail templates`)
    }
    return walk((type as (p: Props) => ReactNode)(props), pre)
  }
  if (typeof type === 'object' && type !== null) {
    const exotic = type as { $$typeof?: symbol; render?: (p: Props, ref: null) => ReactNode; type?: unknown }
    if (exotic.$$typeof === FORWARD_REF && exotic.render) return walk(exotic.render(props, null), pre)
    if (exotic.$$typeof === MEMO) return walk({ ...node, type: exotic.type } as ReactNode, pre)
    throw new Error('plain text: context providers, lazy and other exotic components are not supported in mail templates')
  }
  if (typeof type !== 'string') throw new Error('plain text: unsupported element type')
  return walkHostElement(type, props, pre)
}

function walkHostElement(tag: string, props: Props, pre: boolean): string {
  if (SKIP.has(tag) || props['data-skip-in-text'] === true || props['data-skip-in-text'] === 'true') return ''
  // React Email's Button puts Outlook-only conditional comments in raw HTML; they are not text.
  if (props.dangerouslySetInnerHTML) return ''
  if (tag === 'br') return '\n'
  if (tag === 'hr') return `${BREAK}----${BREAK}`
  const inner = walk(props.children, pre || isPreformatted(tag, props))
  if (tag === 'a') return link(inner.trim(), typeof props.href === 'string' ? props.href : '')
  if (tag === 'li') return `${BREAK}- ${inner.trim()}${BREAK}`
  return BLOCK.has(tag) ? `${BREAK}${inner}${BREAK}` : inner
}

// "label (url)", or the URL alone when the label is the URL (or the address of a mailto: link).
function link(label: string, href: string): string {
  if (!href) return label
  if (`mailto:${label}` === href) return label
  if (!label || label === href) return href
  return `${label} (${href})`
}

export function toPlainText(element: ReactNode): string {
  return walk(element, false)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim() + '\n'
}

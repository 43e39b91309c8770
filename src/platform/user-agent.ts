/**
 * "Chrome on macOS" from a User-Agent header, for the sessions lists (settings, and the admin's user page):
 * people recognise their devices by browser and system, not by a 150-character string (issue 20). Hand
 * written rather than a UA-parsing package: a few dozen bytes of rules instead of a database of
 * thousands of patterns in the Worker bundle, and this only has to name the family, never the version.
 *
 * Order matters: every Chromium browser also says "Chrome" and "Safari", Chrome says "Safari", Edge and
 * Opera say "Chrome", so the more specific tokens are tested first. The raw header stays available to
 * the caller (shown as a tooltip) for anyone who needs the rest.
 */

export interface UserAgentSummary {
  browser: string
  os: string
  /** "Chrome on macOS", "Firefox", "Unknown browser on Linux", or "Unknown device" for an empty header. */
  label: string
}

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/\b(OPR|OPiOS|OPT)\/|\bOpera\b/, 'Opera'],
  [/\b(Edg|EdgA|EdgiOS|Edge)\//, 'Edge'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(HeadlessChrome|Chrome|CriOS|Chromium)\//, 'Chrome'],
  // Safari last: it is what every WebKit and Blink browser claims to be as well.
  [/\bSafari\//, 'Safari'],
]

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  // iPadOS 13+ asks for desktop sites and says "Macintosh"; an iPad on older systems says "iPad".
  [/\biPad\b/, 'iPadOS'],
  [/\b(iPhone|iPod)\b/, 'iOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  // Before Linux: Android's header says "Linux; Android 14".
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\b(Macintosh|Mac OS X)\b/, 'macOS'],
  [/\b(Linux|X11)\b/, 'Linux'],
]

const first = (rules: ReadonlyArray<readonly [RegExp, string]>, ua: string): string | null => rules.find(([re]) => re.test(ua))?.[1] ?? null

export function summariseUserAgent(userAgent: string | null | undefined): UserAgentSummary {
  const ua = (userAgent ?? '').trim()
  if (ua === '') return { browser: 'Unknown browser', os: '', label: 'Unknown device' }
  const browser = first(BROWSERS, ua) ?? 'Unknown browser'
  const os = first(SYSTEMS, ua) ?? ''
  return { browser, os, label: os ? `${browser} on ${os}` : browser }
}

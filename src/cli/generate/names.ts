import { CliError, EXIT } from '../errors'

/** Every spelling a generated feature needs, from one kebab-case name ("team-notes"). */
export interface FeatureNames {
  kebab: string // folder, URL: team-notes
  camel: string // functions, exports: teamNotes
  pascal: string // components: TeamNotes
  snake: string // tables, migration: team_notes
  title: string // headings, nav: Team notes
}

// Folders the starter already uses, and words that would shadow platform pieces.
const RESERVED = new Set(['platform', 'cli', 'auth', 'admin', 'pages', 'email', 'billing', 'usage', 'files', 'dashboard', 'api', 'login', 'logout', 'signup', 'settings', 'health', 'static', 'assets'])

export function featureNames(raw: string): FeatureNames {
  const kebab = raw.trim().toLowerCase()
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(kebab) || kebab.length > 40) {
    throw new CliError(`"${raw}" is not a usable feature name.`, 'Use lowercase letters, digits and single dashes, starting with a letter, like `notes` or `team-notes`.', EXIT.usage)
  }
  if (RESERVED.has(kebab)) throw new CliError(`"${kebab}" is taken by the starter or its routes.`, 'Choose another name, like `notes` or `projects`.', EXIT.usage)
  const words = kebab.split('-')
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1)
  return {
    kebab,
    camel: words[0] + words.slice(1).map(cap).join(''),
    pascal: words.map(cap).join(''),
    snake: words.join('_'),
    title: cap(words.join(' ')),
  }
}

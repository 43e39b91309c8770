import { describe, expect, it } from 'vitest'
import { CliError, EXIT, describeError } from '../../src/cli/errors'
import { featureNames } from '../../src/cli/generate/names'
import { registerFeature, registerFormRoute } from '../../src/cli/generate/register'

// `quickscale generate feature` edits two shared files in place (src/index.tsx and the malformed-forms
// table): each shape it may meet, in-process. generate.test.ts runs the command on this project's files.

const n = featureNames('team-notes')

describe('registerFeature (src/index.tsx)', () => {
  it('adds the import after the last import and the name to a one-line list, once', () => {
    const source = "import { a } from './a'\nimport {\n  b,\n} from './b'\n\nexport default createApp([aFeature, bFeature, ])\n"
    const out = registerFeature(source, n)
    expect(out).toBe("import { a } from './a'\nimport {\n  b,\n} from './b'\nimport { teamNotesFeature } from './team-notes'\n\nexport default createApp([aFeature, bFeature, teamNotesFeature])\n")
    expect(registerFeature(out, n)).toBe(out)
  })

  it('keeps a multi-line list\'s indentation and trailing comma; fills an empty list', () => {
    const multi = "import { a } from './a'\nconst features = [\n    aFeature,\n    bFeature\n  ]\n"
    expect(registerFeature(multi, n)).toBe("import { a } from './a'\nimport { teamNotesFeature } from './team-notes'\nconst features = [\n    aFeature,\n    bFeature,\n    teamNotesFeature,\n  ]\n")
    expect(registerFeature('const features: Feature[] = []\n', n)).toBe("import { teamNotesFeature } from './team-notes'\nconst features: Feature[] = [teamNotesFeature]\n")
  })

  it('without a list, mounts the routes after the last app.route, or before the not-found handler', () => {
    const routed = "import { x } from './x'\napp.route('/', xRoutes)\napp.notFound((c) => c.text('no'))\n"
    expect(registerFeature(routed, n)).toBe("import { x } from './x'\nimport { teamNotesFeature } from './team-notes'\napp.route('/', xRoutes)\napp.route('/', teamNotesFeature.routes!)\napp.notFound((c) => c.text('no'))\n")
    expect(registerFeature("app.notFound((c) => c.text('no'))\n", n)).toBe("import { teamNotesFeature } from './team-notes'\napp.route('/', teamNotesFeature.routes!)\napp.notFound((c) => c.text('no'))\n")
  })

  it('refuses a file with neither, saying what to add by hand', () => {
    expect(() => registerFeature('export default {}\n', n)).toThrow(expect.objectContaining({ exitCode: EXIT.failed, fix: "Add teamNotesFeature (from './team-notes') to the features list in src/index.tsx by hand." }))
  })
})

describe('registerFormRoute (test/platform/malformed-forms.test.ts)', () => {
  it('appends the route to the FORM_ROUTES table with its indentation, once; refuses a file without the table', () => {
    const source = "const FORM_ROUTES: Route[] = [\n    { path: '/contact', field: 'name' },\n]\n"
    const out = registerFormRoute(source, n)
    expect(out).toBe("const FORM_ROUTES: Route[] = [\n    { path: '/contact', field: 'name' },\n    { path: '/team-notes', field: 'title', signedIn: true },\n]\n")
    expect(registerFormRoute(out, n)).toBe(out)
    expect(() => registerFormRoute('const OTHER = []\n', n)).toThrow(/has no FORM_ROUTES table/)
  })
})

describe('CliError and describeError', () => {
  it('a CliError fails with exit 1 unless told otherwise', () => {
    expect(new CliError('x', 'y').exitCode).toBe(EXIT.failed)
    expect(new CliError('x', 'y').name).toBe('CliError')
  })

  it('describes anything thrown by its message, without a stack', () => {
    expect(describeError(new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:5432'), new Error('second')]))).toBe('connect ECONNREFUSED 127.0.0.1:5432')
    expect(describeError(new AggregateError([], 'all failed'))).toBe('all failed')
    expect(describeError(new TypeError(''))).toBe('TypeError')
    expect(describeError({ message: 'a WebSocket error event' })).toBe('a WebSocket error event')
    expect(describeError('plain text')).toBe('plain text')
    expect(describeError(null)).toBe('null')
  })
})

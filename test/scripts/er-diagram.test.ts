import { readFileSync } from 'node:fs'
import { getTableConfig, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
import { DATA_MODEL_PAGE, END, START, loadSchemas, renderDataModel, replaceBlock } from '../../scripts/er-diagram.mjs'

// docs/data-model.md's diagrams are generated from src/*/schema.ts: a schema change without
// `npx tsx scripts/er-diagram.mjs` fails here, so the page cannot go stale.
describe('docs/data-model.md', () => {
  it('matches the diagrams generated from the Drizzle schema', async () => {
    const page = readFileSync(DATA_MODEL_PAGE, 'utf8')
    const expected = replaceBlock(page, renderDataModel(await loadSchemas()))
    expect(page, 'docs/data-model.md is stale: run `npx tsx scripts/er-diagram.mjs` and commit it').toBe(expected)
  })

  it('draws every table of every feature', async () => {
    const page = readFileSync(DATA_MODEL_PAGE, 'utf8')
    const block = page.slice(page.indexOf(START), page.indexOf(END))
    const schemas = await loadSchemas()
    expect(schemas.map((s) => s.feature)).toContain('auth')
    for (const { tables } of schemas) {
      for (const table of tables) expect(block).toContain(`  ${getTableConfig(table).name} {`)
    }
  })
})

describe('renderDataModel', () => {
  const owners = pgTable('owners', { id: uuid().primaryKey(), email: text().notNull().unique() })
  const pets = pgTable('pets', {
    id: uuid().primaryKey(),
    ownerId: uuid().notNull().references(() => owners.id, { onDelete: 'cascade' }),
    nickName: text(),
  })
  const users = pgTable('users', { id: uuid().primaryKey() })
  const notes = pgTable('notes', { id: uuid().primaryKey(), userId: uuid().notNull() })
  const diagram = renderDataModel([
    { feature: 'auth', tables: [users] },
    { feature: 'zoo', tables: [owners, pets] },
    { feature: 'notes', tables: [notes] },
  ])

  it('names columns in snake case with keys and nullability', () => {
    expect(diagram).toContain('    uuid owner_id FK\n')
    expect(diagram).toContain('    text nick_name "nullable"\n')
    expect(diagram).toContain('    text email UK\n')
    expect(diagram).toContain('    uuid id PK\n')
  })

  it('draws a foreign key with its cardinality and delete rule, and user_id without one as dotted', () => {
    expect(diagram).toContain('  owners ||--o{ pets : "owner_id (on delete cascade)"')
    expect(diagram).toContain('  users ||..o{ notes : "user_id (no FK)"')
  })

  it('refuses a page without the markers', () => {
    expect(() => replaceBlock('# no markers', 'x')).toThrow(/markers/)
  })
})

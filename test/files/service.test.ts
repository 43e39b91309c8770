import { describe, expect, it } from 'vitest'
import { createProject, deleteProjectWithFiles, getFile, getProject, insertFile, kindOf, listFilesPage, moveFile, renameFile, renameProject } from '../../src/files/service'
import { withDb } from '../helpers/db'
import { createTestUser, loginCookie, post } from '../auth/helpers'

// The files service against the real database (src/files/service.ts): the kind filters, the project
// filter, and ids that are no UUID or not the caller's. The routes are in upload.test.ts and api.test.ts.

const NOW = new Date('2026-12-04T12:00:00Z')
const TYPES = {
  'photo.png': 'image/png', 'report.pdf': 'application/pdf', 'notes.txt': 'text/plain; charset=utf-8',
  'backup.zip': 'application/zip', 'sheet.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'old.doc': 'application/msword',
} as const

async function account() {
  const userId = crypto.randomUUID()
  const ids = await withDb((db) => Promise.all(Object.entries(TYPES).map(async ([name, contentType]) =>
    (await insertFile(db, { userId, name, contentType, r2Key: `files/${userId}/${name}`, size: 10, sha256: '0'.repeat(64) })).id)))
  return { userId, ids }
}

const query = { sort: 'name' as const, dir: 'asc' as const, page: 1 }

describe('files service', () => {
  it('tells each stored type\'s kind', () => {
    expect(Object.values(TYPES).map(kindOf)).toEqual(['image', 'pdf', 'text', 'archive', 'office', 'office'])
  })

  it('filters by each kind, and by "no project" or one project', async () => {
    const { userId, ids } = await account()
    await withDb(async (db) => {
      const names = async (q: object) => (await listFilesPage(db, userId, { ...query, ...q })).files.map((f) => f.name)
      expect(await names({ kind: 'pdf' })).toEqual(['report.pdf'])
      expect(await names({ kind: 'archive' })).toEqual(['backup.zip'])
      expect(await names({ kind: 'office' })).toEqual(['old.doc', 'sheet.xlsx'])
      expect(await names({ kind: 'text' })).toEqual(['notes.txt'])
      const project = await createProject(db, userId, 'Taxes', '')
      if (typeof project === 'string') throw new Error(project)
      expect(await moveFile(db, userId, ids[1]!, project.id, NOW)).toMatchObject({ projectId: project.id })
      expect(await names({ project: project.id })).toEqual(['report.pdf'])
      expect(await names({ project: 'none' })).toHaveLength(5)
      // Back out of the project.
      expect(await moveFile(db, userId, ids[1]!, null, NOW)).toMatchObject({ projectId: null })
      expect(await names({ project: 'none' })).toHaveLength(6)
    })
  })

  it('an id that is no UUID, or a file or project of someone else, finds nothing and changes nothing', async () => {
    const { userId, ids } = await account()
    const other = await account()
    await withDb(async (db) => {
      expect(await getFile(db, userId, 'not-a-uuid')).toBeNull()
      expect(await renameFile(db, userId, 'not-a-uuid', 'x', NOW)).toBeNull()
      expect(await renameFile(db, userId, other.ids[0]!, 'mine now', NOW)).toBeNull()
      expect(await moveFile(db, userId, ids[0]!, 'not-a-uuid', NOW)).toBeNull()
      const theirs = await createProject(db, other.userId, 'Theirs', '')
      if (typeof theirs === 'string') throw new Error(theirs)
      // Into another account's project: refused.
      expect(await moveFile(db, userId, ids[0]!, theirs.id, NOW)).toBeNull()
      expect(await getProject(db, userId, 'not-a-uuid')).toBeNull()
      expect(await getProject(db, userId, theirs.id)).toBeNull()
      expect(await renameProject(db, userId, 'not-a-uuid', 'x')).toBe('not_found')
      expect(await renameProject(db, userId, theirs.id, 'x')).toBe('not_found')
      expect(await deleteProjectWithFiles(db, userId, 'not-a-uuid', NOW)).toBeNull()
      expect((await getFile(db, other.userId, other.ids[0]!))?.name).toBe('photo.png')
    })
  })

  it('renaming a project to a name the account already uses is refused as taken', async () => {
    const { userId } = await account()
    await withDb(async (db) => {
      const a = await createProject(db, userId, 'Invoices', '')
      await createProject(db, userId, 'Receipts', '')
      if (typeof a === 'string') throw new Error(a)
      expect(await renameProject(db, userId, a.id, 'Receipts')).toBe('taken')
      expect(await renameProject(db, userId, a.id, 'Invoices 2026')).toBe('renamed')
    })
  })

  it('the rename route answers a taken name with 409 and says why (it answered 500 while drizzle wrapped the error)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const a = await withDb(async (db) => {
      await createProject(db, user.id, 'Receipts', '')
      return createProject(db, user.id, 'Invoices', '')
    })
    if (typeof a === 'string') throw new Error(a)
    const res = await post(`/files/projects/${a.id}/rename`, { name: 'Receipts' }, cookie)
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('You already have a project called “Receipts”.')
  })
})

import { and, asc, count, countDistinct, desc, eq, ilike, inArray, isNull, like, sql, sum, type SQL } from 'drizzle-orm'
import { prepareOnce, type Database } from '../platform/db'
import { isUuid } from '../platform/format'
import { files, fileProjects, type FileProject, type FileRow, type ThumbnailState } from './schema'
import type { FileKind } from './sniff'

// Every function takes the owner's id and filters on it (checklist 34): another user's id is simply
// "not found", never "forbidden".

// Ids from URLs are checked (isUuid) before they reach Postgres, which would answer a malformed uuid with an error (a 500).

export const PAGE_SIZE = 24
export type SortKey = 'name' | 'size' | 'date'
export type SortDir = 'asc' | 'desc'

export interface FileQuery {
  q?: string
  kind?: FileKind
  /** A project id, or 'none' for files outside any project. */
  project?: string
  sort: SortKey
  dir: SortDir
  page: number
}

const OFFICE_TYPES = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation', 'application/msword', 'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
]

function kindCondition(kind: FileKind): SQL {
  switch (kind) {
    case 'image': return like(files.contentType, 'image/%')
    case 'pdf': return eq(files.contentType, 'application/pdf')
    case 'text': return like(files.contentType, 'text/%')
    case 'archive': return eq(files.contentType, 'application/zip')
    case 'office': return inArray(files.contentType, OFFICE_TYPES)
  }
}

export function kindOf(contentType: string): FileKind {
  if (contentType.startsWith('image/')) return 'image'
  if (contentType === 'application/pdf') return 'pdf'
  if (contentType.startsWith('text/')) return 'text'
  if (contentType === 'application/zip') return 'archive'
  return 'office'
}

/** A row marked by a delete (deletion.ts) is gone for every reader; only the purge still sees it. */
export const live = isNull(files.deletedAt)

function filterConditions(userId: string, query: FileQuery): SQL[] {
  const where: SQL[] = [eq(files.userId, userId), live]
  if (query.q) where.push(ilike(files.name, `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`))
  if (query.kind) where.push(kindCondition(query.kind))
  if (query.project === 'none') where.push(isNull(files.projectId))
  else if (isUuid(query.project)) where.push(eq(files.projectId, query.project))
  return where
}

function orderBy(query: FileQuery): SQL[] {
  const by = query.dir === 'asc' ? asc : desc
  const column = query.sort === 'name' ? sql`lower(${files.name})` : query.sort === 'size' ? files.size : files.createdAt
  // The id breaks ties, so pages never repeat or skip a row.
  return [by(column), by(files.id)]
}

export interface FilePage {
  files: FileRow[]
  projects: Pick<FileProject, 'id' | 'name'>[]
  total: number
  usedBytes: number
}

type JsonFile = Record<string, unknown>
const fromJson = (r: JsonFile): FileRow => ({
  id: r.id as string, userId: r.user_id as string, projectId: (r.project_id as string | null) ?? null,
  name: r.name as string, r2Key: r.r2_key as string, size: Number(r.size), contentType: r.content_type as string,
  sha256: r.sha256 as string, width: (r.width as number | null) ?? null, height: (r.height as number | null) ?? null,
  thumbnailKey: (r.thumbnail_key as string | null) ?? null, thumbnailState: r.thumbnail_state as ThumbnailState,
  createdAt: new Date(r.created_at as string), updatedAt: new Date(r.updated_at as string),
  deletedAt: r.deleted_at ? new Date(r.deleted_at as string) : null,
})

/**
 * The browser's page in ONE round trip (issue 8's budget: session + this): the page of files, the
 * matching total, the account's projects (filter and move menus) and its storage in use.
 */
export async function listFilesPage(db: Database, userId: string, query: FileQuery): Promise<FilePage> {
  const where = and(...filterConditions(userId, query))
  const pageRows = db.select().from(files).where(where).orderBy(...orderBy(query)).limit(PAGE_SIZE).offset((query.page - 1) * PAGE_SIZE)
  const result = await db.execute<{ files: JsonFile[]; projects: Pick<FileProject, 'id' | 'name'>[]; total: string; used: string }>(sql`
    select
      (select coalesce(json_agg(r), '[]'::json) from (${pageRows}) r) as files,
      (select coalesce(json_agg(json_build_object('id', p.id, 'name', p.name) order by lower(p.name)), '[]'::json)
         from (select id, name from ${fileProjects} where user_id = ${userId} order by lower(name) limit ${MAX_PROJECTS}) p) as projects,
      (select count(*) from ${files} where ${where}) as total,
      (select coalesce(sum(size), 0) from ${files} where ${files.userId} = ${userId} and ${live}) as used`)
  const row = result.rows[0]!
  return { files: row.files.map(fromJson), projects: row.projects, total: Number(row.total), usedBytes: Number(row.used) }
}

export async function getFile(db: Database, userId: string, id: string): Promise<FileRow | null> {
  if (!isUuid(id)) return null
  const [row] = await db.select().from(files).where(and(eq(files.id, id), eq(files.userId, userId), live))
  return row ?? null
}

export type NewFile = typeof files.$inferInsert

export async function insertFile(db: Database, values: NewFile): Promise<FileRow> {
  const [row] = await db.insert(files).values(values).returning()
  return row!
}

export async function renameFile(db: Database, userId: string, id: string, name: string, now: Date): Promise<FileRow | null> {
  if (!isUuid(id)) return null
  const [row] = await db.update(files).set({ name, updatedAt: now }).where(and(eq(files.id, id), eq(files.userId, userId), live)).returning()
  return row ?? null
}

/** Moves into one of the owner's projects (or out of any, with null); another user's project is not found. */
export async function moveFile(db: Database, userId: string, id: string, projectId: string | null, now: Date): Promise<FileRow | null> {
  if (!isUuid(id) || (projectId !== null && !isUuid(projectId))) return null
  const target = projectId === null
    ? sql`null`
    : sql`(select ${fileProjects.id} from ${fileProjects} where ${fileProjects.id} = ${projectId} and ${fileProjects.userId} = ${userId})`
  const [row] = await db.update(files).set({ projectId: sql`${target}`, updatedAt: now })
    .where(and(eq(files.id, id), eq(files.userId, userId), live, projectId === null ? undefined : sql`exists ${target}`)).returning()
  return row ?? null
}

export async function setThumbnail(db: Database, fileId: string, values: { state: ThumbnailState; key?: string | null; width?: number | null; height?: number | null }, now: Date): Promise<void> {
  await db.update(files).set({
    thumbnailState: values.state,
    ...(values.key !== undefined && { thumbnailKey: values.key }),
    ...(values.width !== undefined && { width: values.width }),
    ...(values.height !== undefined && { height: values.height }),
    updatedAt: now,
  }).where(eq(files.id, fileId))
}

/**
 * Projects per account (issue 19, item 13): the browser lists every project in its filter, move and upload
 * menus, so the list is bounded by refusing the 101st project rather than by paging the menus; the
 * queries carry the same LIMIT so a race past the cap still cannot make a page unbounded.
 */
export const MAX_PROJECTS = 100

export function listProjects(db: Database, userId: string): Promise<FileProject[]> {
  return db.select().from(fileProjects).where(eq(fileProjects.userId, userId)).orderBy(sql`lower(${fileProjects.name})`).limit(MAX_PROJECTS)
}

export async function getProject(db: Database, userId: string, id: string): Promise<(FileProject & { fileCount: number }) | null> {
  if (!isUuid(id)) return null
  const [row] = await db.select({ project: fileProjects, fileCount: sql<number>`(select count(*)::int from "files" f where f.project_id = "file_projects"."id" and f.deleted_at is null)` })
    .from(fileProjects).where(and(eq(fileProjects.id, id), eq(fileProjects.userId, userId)))
  return row ? { ...row.project, fileCount: row.fileCount } : null
}

/** 'taken' when another of the owner's projects has the name; 'too-many' at MAX_PROJECTS. */
export async function createProject(db: Database, userId: string, name: string, description: string): Promise<FileProject | 'taken' | 'too-many'> {
  const [{ n }] = await db.select({ n: count() }).from(fileProjects).where(eq(fileProjects.userId, userId))
  if (n >= MAX_PROJECTS) return 'too-many'
  const [row] = await db.insert(fileProjects).values({ userId, name, description }).onConflictDoNothing().returning()
  return row ?? 'taken'
}

export async function renameProject(db: Database, userId: string, id: string, name: string): Promise<'renamed' | 'not_found' | 'taken'> {
  if (!isUuid(id)) return 'not_found'
  try {
    const rows = await db.update(fileProjects).set({ name }).where(and(eq(fileProjects.id, id), eq(fileProjects.userId, userId))).returning({ id: fileProjects.id })
    return rows.length === 0 ? 'not_found' : 'renamed'
  } catch (err) {
    if (isUniqueViolation(err)) return 'taken'
    throw err
  }
}

// Postgres' unique_violation (23505), on the error or its `cause`: drizzle wraps the driver's error, so a
// check of the outer error alone never matched and a taken name answered 500.
function isUniqueViolation(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '23505') return true
  }
  return false
}

/**
 * Deletes the project and marks its files deleted (out of the project, whose row goes) in one transaction;
 * returns the marked rows so the caller frees their quota and purges their objects and rows (deletion.ts).
 */
export async function deleteProjectWithFiles(db: Database, userId: string, id: string, now: Date): Promise<FileRow[] | null> {
  if (!isUuid(id)) return null
  return db.transaction(async (tx) => {
    const [project] = await tx.select({ id: fileProjects.id }).from(fileProjects).where(and(eq(fileProjects.id, id), eq(fileProjects.userId, userId))).for('update')
    if (!project) return null
    const removed = await tx.update(files).set({ deletedAt: now, projectId: null, updatedAt: now })
      .where(and(eq(files.projectId, id), eq(files.userId, userId), live)).returning()
    // Rows marked by an earlier delete may still name the project: out of it too, so the project row can go.
    await tx.update(files).set({ projectId: null }).where(eq(files.projectId, id))
    await tx.delete(fileProjects).where(eq(fileProjects.id, id))
    return removed
  })
}

/** Bytes and file count of one account (dashboard card, admin, usage's reconcile cron). */
// Built once per isolate (issue 23): the dashboard's files card and every upload's quota check ask.
const storageOfUser = prepareOnce<{ bytes: string | null; files: number }>('storage_of_user', (db) => db.select({ bytes: sum(files.size), files: count() }).from(files).where(and(eq(files.userId, sql.placeholder('userId')), live)))

export async function getStorageSummary(db: Database, userId: string): Promise<{ bytes: number; files: number }> {
  const [row] = await storageOfUser(db, { userId })
  return { bytes: Number(row?.bytes ?? 0), files: Number(row?.files ?? 0) }
}

export async function countFilesByUser(db: Database, userId: string): Promise<number> {
  return (await getStorageSummary(db, userId)).files
}

/** Every file row and project of an account (account deletion; the caller deletes the objects). */
export async function deleteAccountFiles(db: Database, userId: string): Promise<void> {
  await db.delete(files).where(eq(files.userId, userId))
  await db.delete(fileProjects).where(eq(fileProjects.userId, userId))
}

/** Storage across every account, for the admin overview (issue 13): bytes, files and accounts that store any. */
export async function getTotalStorage(db: Database): Promise<{ bytes: number; files: number; accounts: number }> {
  const [row] = await db.select({ bytes: sum(files.size), files: count(), accounts: countDistinct(files.userId) }).from(files).where(live)
  return { bytes: Number(row?.bytes ?? 0), files: Number(row?.files ?? 0), accounts: Number(row?.accounts ?? 0) }
}

import { sql } from 'drizzle-orm'
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

/**
 * pending: queued for the thumbnailer; ready: thumbnailKey holds a JPEG; failed: retries ran out; none: not
 * an image (or, before issue 19, above the pixel cap); too_large: a frame above the pixel cap, not decoded;
 * unreadable: the headers do not settle the dimensions, not decoded (ADR 0053). Plain text in the column.
 */
export const THUMBNAIL_STATES = ['pending', 'ready', 'failed', 'none', 'too_large', 'unreadable'] as const
export type ThumbnailState = (typeof THUMBNAIL_STATES)[number]

// A user's folders. Every query filters on userId (checklist 34). No foreign key into auth's table (features
// own their tables, ADR 0006): account deletion removes these rows through the files cleanup.
export const fileProjects = pgTable(
  'file_projects',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull(),
    name: text().notNull(),
    description: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('file_projects_user_name_idx').on(t.userId, t.name)],
)

export const files = pgTable(
  'files',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull(),
    // No cascade: deleting a project deletes its files in code first, so their R2 objects and quota go too.
    projectId: uuid().references(() => fileProjects.id),
    name: text().notNull(),
    // Server-generated `<userId>/<uuid>`, never derived from the file name (checklist 31).
    r2Key: text().notNull(),
    size: bigint({ mode: 'number' }).notNull(),
    // From the magic bytes, not from the browser's Content-Type.
    contentType: text().notNull(),
    sha256: text().notNull(),
    width: integer(),
    height: integer(),
    thumbnailKey: text(),
    thumbnailState: text().$type<ThumbnailState>().notNull().default('none'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    // Set when the owner deletes the file (issue 19, 12b): from then on the row is invisible and its quota
    // given back; its objects are deleted, then the row. A failure between leaves this mark, and the
    // nightly sweep (purgeDeletedFiles) finishes the job, so a row never points at a vanished object
    // unnoticed and an object never outlives its row.
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('files_user_created_idx').on(t.userId, t.createdAt),
    index('files_deleted_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    index('files_project_idx').on(t.projectId),
    uniqueIndex('files_r2_key_idx').on(t.r2Key),
  ],
)

export type FileRow = typeof files.$inferSelect
export type FileProject = typeof fileProjects.$inferSelect

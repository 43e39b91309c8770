import { z } from 'zod'
import type { ApiOperation } from '../platform/feature'
import { MAX_PROJECTS, PAGE_SIZE } from './service'
import { THUMBNAIL_STATES } from './schema'
import type { FileKind } from './sniff'

/**
 * The files API's answers and parameters, described once (usage's ApiOperation): api.ts types its
 * answers with these, and the OpenAPI document at /api/v1/openapi.json is built from them. Strict
 * objects, so a field added to `fileJson` without its schema fails test/usage/openapi.test.ts.
 */
export const fileSchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  size: z.int().meta({ description: 'Bytes.' }),
  contentType: z.string().meta({ description: 'From the file’s first bytes, not from what the uploader claimed.' }),
  sha256: z.string().meta({ description: 'Hex SHA-256 of the content.' }),
  projectId: z.uuid().nullable(),
  width: z.int().nullable().meta({ description: 'Pixels, for images.' }),
  height: z.int().nullable(),
  thumbnail: z.enum(THUMBNAIL_STATES).meta({ description: 'Whether a thumbnail exists or why not.' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

export const fileListResponse = z.strictObject({
  files: z.array(fileSchema).meta({ description: `At most ${PAGE_SIZE} a page.` }),
  projects: z.array(z.strictObject({ id: z.uuid(), name: z.string() })).meta({ description: `The account's projects (at most ${MAX_PROJECTS}), for the project filter.` }),
  page: z.int(),
  pageSize: z.int(),
  total: z.int().meta({ description: 'Files matching the filters, over all pages.' }),
})

export const fileResponse = z.strictObject({ file: fileSchema })

// What parseBrowserQuery reads, checked first by usage's validateRequest: a value outside these is a 422
// naming it rather than a silent default. Other keys are ignored.
const listQuery = z.object({
  q: z.string().max(100).optional().meta({ description: 'Part of the file name.' }),
  kind: z.enum(['image', 'pdf', 'text', 'archive', 'office'] as const satisfies readonly FileKind[]).optional(),
  project: z.uuid().optional().meta({ description: 'Only files in this project.' }),
  sort: z.enum(['date', 'name', 'size']).optional().meta({ description: 'Default date.' }),
  dir: z.enum(['asc', 'desc']).optional().meta({ description: 'Default asc for name, desc otherwise.' }),
  page: z.coerce.number().int().min(1).max(10_000).optional().meta({ description: 'Default 1.' }),
})

export const listFilesOperation = {
  method: 'get', path: '/api/v1/files', operationId: 'listFiles', tag: 'Files', metered: true,
  summary: 'List your files',
  description: 'The key owner’s files, newest first unless sorted otherwise, a page at a time.',
  query: listQuery,
  response: fileListResponse,
} as const satisfies ApiOperation

export const getFileOperation = {
  method: 'get', path: '/api/v1/files/:id', operationId: 'getFile', tag: 'Files', metered: true,
  summary: 'One file',
  params: z.object({ id: z.uuid().meta({ description: 'The file’s id.' }) }),
  response: fileResponse,
  errors: { 404: 'No such file among the key owner’s (`not_found`): someone else’s looks the same.' },
} as const satisfies ApiOperation

/** Routes take their path from these (api.ts). */
export const fileApiOperations: ApiOperation[] = [listFilesOperation, getFileOperation]

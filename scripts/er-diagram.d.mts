// Types for the test that imports this plain-JavaScript script (tsconfig does not check scripts/**).
// Keep in step with er-diagram.mjs's exports.
import type { PgTable } from 'drizzle-orm/pg-core'
export const DATA_MODEL_PAGE: string
export const START: string
export const END: string
export function schemaFeatures(): string[]
export type FeatureSchema = { feature: string; tables: PgTable[] }
export function loadSchemas(): Promise<FeatureSchema[]>
export function renderDataModel(schemas: FeatureSchema[]): string
export function replaceBlock(page: string, block: string): string

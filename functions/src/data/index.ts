import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAccounts } from './accounts.js';
import { createAuditLog } from './audit.js';
import { createDirectory } from './directory.js';
import { createExportRegistry } from './export-registry.js';
import { createHallStore } from './halls.js';
import { createImportJobStore } from './import-jobs.js';
import { createStaffStore } from './staff.js';
import { createUnitStore } from './units.js';
import { createWindowStore } from './windows.js';
import { createRatingStore } from './ratings.js';
import { createSurveyStore } from './surveys.js';
import { createTotalsReader } from './totals.js';
import { createRateDefinitionStore } from './rate-definitions.js';

export interface DataTables {
  ops: string;
  contacts: string;
  audit: string;
}

/** The whole data layer over one document client: what the use cases receive as dependencies. */
export function createDataLayer(doc: DynamoDBDocumentClient, tables: DataTables) {
  return {
    directory: createDirectory(doc, tables.ops),
    units: createUnitStore(doc, tables.ops),
    windows: createWindowStore(doc, tables.ops),
    staff: createStaffStore(doc, tables.ops),
    importJobs: createImportJobStore(doc, tables.ops),
    halls: createHallStore(doc, tables.ops),
    ratings: createRatingStore(doc, tables),
    totals: createTotalsReader(doc, tables.ops),
    rateDefinitions: createRateDefinitionStore(doc, tables.ops),
    accounts: createAccounts(doc, tables.ops),
    audit: createAuditLog(doc, tables.audit),
    exports: createExportRegistry(doc, tables.ops),
    surveys: createSurveyStore(doc, tables.ops),
  };
}
export type DataLayer = ReturnType<typeof createDataLayer>;

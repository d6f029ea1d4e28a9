import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAccounts } from './accounts.js';
import { createAuditLog } from './audit.js';
import { createExportRegistry } from './export-registry.js';
import { createHallStore } from './halls.js';
import { createImportJobStore } from './import-jobs.js';
import { createStaffStore } from './staff.js';
import { createUnitStore } from './units.js';
import { createWindowStore } from './windows.js';
import { createWindowViews } from './window-views.js';
import { createRatingStore } from './ratings.js';
import { createAccountabilityStore } from './cases/accountability.js';
import { createCaseStore } from './cases/cases.js';
import { createRatingComments } from './rating-comments.js';
import { createSurveyStore } from './surveys.js';
import { createTotalsReader } from './totals.js';
import { createRateDefinitionStore } from './rate-definitions.js';
import { createIntegrationClientStore } from './integration-clients.js';
import { createServiceRecordStore } from './service-records.js';
import { createRoundStore } from './sampling-rounds.js';
import { createInvitationStore } from './sampling-invitations.js';
import { createRatingLinkStore } from './rating-links.js';
import { createRecordImportJobStore } from './record-import-jobs.js';
import { createCampaignStore } from './appraisal/campaigns.js';
import { createBallotStore } from './appraisal/ballots.js';
import type { DataTables } from './tables.js';
import { createRollupStore } from './rollups/rollups.js';

export type { DataTables } from './tables.js';

/** The whole data layer over one document client: what the use cases receive as dependencies. */
export function createDataLayer(doc: DynamoDBDocumentClient, tables: DataTables) {
  const units = createUnitStore(doc, tables.ops);
  const windows = createWindowStore(doc, tables.ops);
  const staff = createStaffStore(doc, tables.ops);
  const halls = createHallStore(doc, tables.ops);
  return {
    units,
    windows,
    staff,
    halls,
    windowViews: createWindowViews({ units, windows, staff, halls }),
    importJobs: createImportJobStore(doc, tables.ops),
    ratings: createRatingStore(doc, tables),
    totals: createTotalsReader(doc, tables.totals),
    rollups: createRollupStore(doc, tables.totals),
    comments: createRatingComments(doc, tables),
    rateDefinitions: createRateDefinitionStore(doc, tables.ops),
    accounts: createAccounts(doc, tables.ops),
    audit: createAuditLog(doc, tables.audit),
    exports: createExportRegistry(doc, tables.ops),
    surveys: createSurveyStore(doc, tables.ops),
    integrationClients: createIntegrationClientStore(doc, tables.ops),
    serviceRecords: createServiceRecordStore(doc, tables),
    rounds: createRoundStore(doc, tables.ops),
    invitations: createInvitationStore(doc, tables),
    ratingLinks: createRatingLinkStore(doc, tables.ops),
    recordImportJobs: createRecordImportJobStore(doc, tables.ops),
    campaigns: createCampaignStore(doc, tables.ops),
    cases: createCaseStore(doc, tables),
    accountability: createAccountabilityStore(doc, tables.ops),
    ballotBox: createBallotStore(doc, tables),
  };
}
export type DataLayer = ReturnType<typeof createDataLayer>;

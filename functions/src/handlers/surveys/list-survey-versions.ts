import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listSurveyVersions } from '../../use-cases/surveys/survey-versions.js';

const operation = operations.listSurveyVersions;

export const handler = httpHandler(operation, async (event) => {
  const { id } = parse(operation.params, event.pathParameters ?? {});
  return json(200, await listSurveyVersions(getRuntime(), event.principal, id));
});

import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { updateSurveyDraft } from '../../use-cases/surveys/survey-versions.js';

const operation = operations.updateSurveyDraft;

export const handler = httpHandler(operation, async (event) => {
  const { id, version } = parse(operation.params, event.pathParameters ?? {});
  const input = parse(operation.body, event.jsonBody);
  return json(200, await updateSurveyDraft(getRuntime(), event.principal, id, version, input));
});

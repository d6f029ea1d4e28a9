import { operations, type OperationId } from '#shared/contracts/api.js';

/**
 * The route table: one Lambda per operation. Read by the CDK API stack (one function and one
 * HTTP API route each) and by the local gateway (which imports the same handler files).
 */
export interface Route {
  operationId: OperationId;
  method: 'GET' | 'POST';
  path: string;
  /** Handler file under functions/src/handlers, without extension; it exports `handler`. */
  handler: string;
  auth: 'none' | 'bearer';
}

const handlerFiles: Record<OperationId, string> = {
  health: 'meta/health',
  openapi: 'meta/openapi',
  getWindowCard: 'public/get-window-card',
  submitRating: 'public/submit-rating',
  login: 'auth/login',
  listWindows: 'results/list-windows',
  satisfaction: 'results/satisfaction',
};

export const routes: Route[] = (Object.keys(operations) as OperationId[]).map((operationId) => {
  const { method, path, auth } = operations[operationId];
  return { operationId, method, path, auth, handler: handlerFiles[operationId] };
});

import { operations, type OperationId } from '#shared/contracts/api.js';

/**
 * The route table: one Lambda per operation. Read by the CDK API stack (one function and one
 * HTTP API route each) and by the local gateway (which imports the same handler files).
 */
export interface Route {
  operationId: OperationId;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Handler file under functions/src/handlers, without extension; it exports `handler`. */
  handler: string;
  auth: 'none' | 'bearer' | 'client';
}

/** By convention the handler of operation `getWindowCard` tagged `public` is `public/get-window-card.ts`. */
export function handlerFile(operationId: string, tag: string): string {
  return `${tag}/${operationId.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export const routes: Route[] = (Object.keys(operations) as OperationId[]).map((operationId) => {
  const { method, path, auth, tag } = operations[operationId];
  return { operationId, method, path, auth, handler: handlerFile(operationId, tag) };
});

import { ErrorBody } from './errors.js';

/**
 * The error answers the operations have in common (their OpenAPI texts as they are). An operation
 * family says more where it knows more: who may, which resource, what "not found" hides.
 */
export const errorResponse = (description: string) => ({ description, schema: ErrorBody });

export const badRequest = errorResponse('Invalid input; the message names the field');
export const unauthorized = errorResponse('Missing, invalid or expired bearer token');

/** 403 "The role may not {action}", with who may (or what happens) in parentheses when given. */
export const forbidden = (action = 'do this', detail?: string) => errorResponse(`The role may not ${action}${detail ? ` (${detail})` : ''}`);

/** 404 "No such {what}", then what it covers (" in the caller's scope", " (never issued, …)"). */
export const notFound = (what: string, rest = '') => errorResponse(`No such ${what}${rest}`);

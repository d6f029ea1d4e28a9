import type { Operation } from './operation.js';

/** Operations of the administration capability: surveys and QR posters (问卷、二维码海报). */
export const surveyOperations = {} as const satisfies Record<string, Operation>;

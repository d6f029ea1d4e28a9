import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessMatrixMarkdown } from './matrix-doc.js';

describe('docs/access-matrix.md', () => {
  it('is the table generated from PERMISSIONS (run `npm run docs:access` after changing it)', () => {
    const file = readFileSync(new URL('../../../docs/access-matrix.md', import.meta.url), 'utf8');
    expect(file).toBe(accessMatrixMarkdown());
  });
});

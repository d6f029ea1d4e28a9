import { writeFileSync } from 'node:fs';
import { accessMatrixMarkdown } from '../functions/src/access/matrix-doc.js';

/** `npm run docs:access`: writes docs/access-matrix.md from the permission matrix. */
writeFileSync(new URL('../docs/access-matrix.md', import.meta.url), accessMatrixMarkdown());
console.log('wrote docs/access-matrix.md');

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]!);
}

describe('architecture', () => {
  it('keeps the domain pure: shared/src/domain imports nothing but itself (and the holiday calendar’s data)', () => {
    // Relative imports that stay inside shared/src/domain (its sampling/ folder imports ../wilson.js) are the domain itself.
    // The one exception is data, not code: the statutory holiday calendar of chinese-days (decision 0028).
    const DATA = new Set(['chinese-days/dist/chinese-days.json']);
    const domain = join(root, 'shared/src/domain');
    const offenders = sourceFiles(domain).flatMap((file) =>
      importsOf(file)
        .filter((spec) => !DATA.has(spec))
        .filter((spec) => !spec.startsWith('.') || relative(domain, resolve(dirname(file), spec)).startsWith('..'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps shared/ free of the AWS SDK, node I/O and SvelteKit', () => {
    const forbidden = /^(node:|@aws-sdk\/|@sveltejs\/|\$app\/|\$env\/|fs$|http$|net$)/;
    const offenders = sourceFiles(join(root, 'shared/src')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('lets only the data layer use the AWS SDK inside functions/', () => {
    const offenders = sourceFiles(join(root, 'functions/src'))
      .filter((file) => !relative(root, file).startsWith('functions/src/data/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('@aws-sdk/'))
          .map((spec) => `${relative(root, file)} imports ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps handlers thin: each calls at most one use case', () => {
    const offenders = sourceFiles(join(root, 'functions/src/handlers')).filter(
      (file) => importsOf(file).filter((spec) => spec.includes('/use-cases/')).length > 1,
    );
    expect(offenders).toEqual([]);
  });
});

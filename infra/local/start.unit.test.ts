import { describe, expect, it } from 'vitest';
import { buildLogFromText, isBuildNoise } from '../../web/build-logs.js';
import { startBanner } from './banner.js';
import { demoCounty } from './demo-county.js';
import { DEMO_ACCOUNTS, DEMO_STAFF_ACCOUNT } from './seed.js';

/** What `npm start` prints: the banner (infra/local/banner.ts) and the web build's warnings (web/build-logs.js). */
describe('npm start: the banner', () => {
  const banner = (port: number) =>
    startBanner({
      base: `http://localhost:${port}`,
      windows: demoCounty().windows.slice(0, 4),
      accounts: DEMO_ACCOUNTS,
      staffAccount: DEMO_STAFF_ACCOUNT,
      dataDir: '/repo/.data',
      publicBaseUrl: `http://localhost:${port}`,
    });

  it('lists the reports, verify and staff pages on the port it serves, next to login and the API', () => {
    const text = banner(4321);
    expect(text).toContain('http://localhost:4321/admin/reports ');
    expect(text).toContain('http://localhost:4321/verify ');
    expect(text).toContain('http://localhost:4321/me ');
    expect(text).toContain('http://localhost:4321/m   投诉信箱');
    expect(text).toContain(`${DEMO_STAFF_ACCOUNT.username} / ${DEMO_STAFF_ACCOUNT.password}`);
    expect(text).toContain('http://localhost:4321/login ');
    expect(text).toContain('http://localhost:4321/api/health');
    expect(text).not.toContain(':3000');
  });

  it('keeps every labelled row one column wide, so the addresses line up', () => {
    const rows = banner(3000)
      .split('\n')
      .filter((line) => /^ {2}[A-Z]\w*: /.test(line));
    expect(rows.map((line) => line.slice(2, 13).trimEnd())).toEqual(['Admin:', 'Reports:', 'Verify:', 'Staff:', 'API:', 'Data:', 'Posters:']);
    for (const line of rows) expect(line.slice(13)).toMatch(/^\S/);
  });
});

describe('npm start: the web build keeps its known noise quiet', () => {
  const printed = (text: string) => !isBuildNoise(buildLogFromText(text));

  it('drops packages’ misplaced annotations and cycles, the plugin timings and SvelteKit’s empty env chunk', () => {
    expect(
      printed(
        '../../../node_modules/zod/v4/core/util.js (400:0): A comment\n\n"// Wrapped in a `@__PURE__` IIFE"\n\nin "../../../node_modules/zod/v4/core/util.js" contains an annotation that Rollup cannot interpret due to the position of the comment. The comment will be removed to avoid issues.',
      ),
    ).toBe(false);
    expect(printed('Circular dependency: ../../../node_modules/zod/v4/core/core.js -> ../../../node_modules/zod/v4/core/util.js -> ../../../node_modules/zod/v4/core/core.js')).toBe(false);
    expect(printed('Generated an empty chunk: "chunks/env.js".')).toBe(false);
    expect(isBuildNoise({ code: 'PLUGIN_TIMINGS', message: 'JavaScript callbacks ran for 8.2s.' })).toBe(true);
    expect(isBuildNoise({ code: 'CIRCULAR_DEPENDENCY', ids: ['/repo/node_modules/a/x.js', '/repo/node_modules/a/y.js', '/repo/node_modules/a/x.js'] })).toBe(true);
  });

  it('keeps the same warnings about our own code, and anything else', () => {
    expect(printed('src/lib/a.ts (3:0): A comment\n\n"/* @__PURE__ */"\n\nin "src/lib/a.ts" contains an annotation that Rollup cannot interpret due to the position of the comment.')).toBe(true);
    expect(printed('Circular dependency: src/lib/a.ts -> ../../../node_modules/zod/v4/index.js -> src/lib/a.ts')).toBe(true);
    expect(printed('Generated an empty chunk: "chunks/reports.js".')).toBe(true);
    expect(printed('"foo" is not exported by "src/lib/b.ts", imported by "src/lib/a.ts".')).toBe(true);
    expect(isBuildNoise({ code: 'INVALID_ANNOTATION', id: '/repo/web/src/lib/a.ts' })).toBe(false);
    expect(isBuildNoise({ code: 'CIRCULAR_DEPENDENCY', ids: ['/repo/web/src/lib/a.ts', '/repo/node_modules/a/y.js', '/repo/web/src/lib/a.ts'] })).toBe(false);
    expect(isBuildNoise({ code: 'IMPORT_IS_UNDEFINED', id: '/repo/node_modules/a/x.js' })).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core over the page as it is (the context needs bypassCSP to inject it): no violation at all. */
export async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const runner = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await runner.run(document);
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${JSON.stringify(v.nodes.map((node) => node.target).slice(0, 3))}`);
  });
  expect(violations, what).toEqual([]);
}

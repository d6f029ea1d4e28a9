import { describe, expect, it } from 'vitest';
import { applicableVersion, nearestSection, SURVEY_VERSION_EVENTS, SURVEY_VERSION_STATES, transition } from './survey-version.js';

describe('transition (survey version lifecycle)', () => {
  // The whole table, spelled out: every (state, event) pair and what it leads to.
  const table = [
    ['draft', 'edit', 'draft'],
    ['draft', 'publish', 'published'],
    ['draft', 'retire', undefined],
    ['published', 'edit', undefined],
    ['published', 'publish', undefined],
    ['published', 'retire', 'retired'],
    ['retired', 'edit', undefined],
    ['retired', 'publish', undefined],
    ['retired', 'retire', undefined],
  ] as const;

  it.each(table)('%s + %s → %s', (state, event, next) => {
    expect(transition(state, event)).toBe(next);
  });

  it('covers every state and event', () => {
    expect(table).toHaveLength(SURVEY_VERSION_STATES.length * SURVEY_VERSION_EVENTS.length);
  });

  it('never lets a published version change again except by retiring it', () => {
    for (const event of SURVEY_VERSION_EVENTS) {
      const next = transition('published', event);
      expect(next === undefined || next === 'retired').toBe(true);
    }
  });
});

describe('applicableVersion', () => {
  it('is the newest published version', () => {
    const versions = [
      { version: 1, state: 'published' },
      { version: 2, state: 'published' },
      { version: 3, state: 'draft' },
    ] as const;
    expect(applicableVersion(versions)?.version).toBe(2);
  });

  it('falls back to the previous published version when the newest is retired', () => {
    expect(applicableVersion([{ version: 1, state: 'published' }, { version: 2, state: 'retired' }])?.version).toBe(1);
  });

  it('is none when nothing is published (the national part only)', () => {
    expect(applicableVersion([{ version: 1, state: 'retired' }, { version: 2, state: 'draft' }])).toBeUndefined();
  });
});

describe('nearestSection', () => {
  const path = ['province', 'city', 'county', 'dept'];

  it("prefers the window's own unit", () => {
    expect(nearestSection(path, new Map([['dept', 'own'], ['county', 'county']]))).toBe('own');
  });

  it('falls back to the nearest ancestor', () => {
    expect(nearestSection(path, new Map([['province', 'p'], ['county', 'c']]))).toBe('c');
  });

  it('is none when no unit on the path has a section', () => {
    expect(nearestSection(path, new Map([['elsewhere', 'x']]))).toBeUndefined();
  });
});

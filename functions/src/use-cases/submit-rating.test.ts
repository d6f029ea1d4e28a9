import { describe, expect, it } from 'vitest';
import type { ContactSealer } from '../data/contact-sealer.js';
import type { WindowRecord } from '../data/windows.js';
import { IdempotencyKeyUsedError, RatingWriteConflictError, type RatingStore } from '../data/ratings.js';
import { ConflictError, IdempotencyMismatchError, NotFoundError, RatingBusyAppError, ValidationError } from '../errors.js';
import { submitRating, type SubmitRatingDeps } from './submit-rating.js';

const window: WindowRecord = {
  code: 'k7m2q9xa',
  unitId: 'unit-1',
  hallId: 'hall-1',
  name: '综合受理1号窗口',
  active: true,
  staffOnDutyIds: ['staff-1'],
  surveyId: 'national-hcp',
  surveyVersion: 1,
};

/** An in-memory rating store that honours idempotency keys like the DynamoDB one. */
function fakeDeps(overrides: Partial<WindowRecord> = {}) {
  const stored: Parameters<RatingStore['store']>[0][] = [];
  const claims = new Map<string, { fingerprint: string; ratingId: string }>();
  let next = 0;
  const sealer: ContactSealer = { seal: async (phone) => `sealed(${phone.length})`, open: async () => '' };
  const deps: SubmitRatingDeps = {
    windows: { get: async (code) => (code === window.code ? { ...window, ...overrides } : undefined) },
    units: { get: async (id) => (id === 'unit-1' ? { id: 'unit-1', name: '测试单位', parentId: null, path: ['unit-1'] } : undefined) },
    // No agency section anywhere: the national questionnaire only.
    surveys: { currentForUnits: async () => new Map(), getVersionById: async () => undefined },
    ratings: {
      async store(write) {
        if (write.idempotency) {
          const existing = claims.get(write.idempotency.keyHash);
          if (existing) throw new IdempotencyKeyUsedError(existing);
          claims.set(write.idempotency.keyHash, { fingerprint: write.idempotency.fingerprint, ratingId: write.rating.id });
        }
        stored.push(write);
        return { suspect: false };
      },
    },
    sealer,
    now: () => new Date('2026-03-01T16:30:00Z'),
    randomId: () => `id-${++next}`,
  };
  return { deps, stored };
}

describe('submitRating', () => {
  it('answers 503 (send it again), not a 500, when the store gave up after its conflict retries', async () => {
    const { deps } = fakeDeps();
    deps.ratings = {
      store: async () => {
        throw new RatingWriteConflictError('rating transaction was cancelled');
      },
    };
    const refused = await submitRating(deps, { windowCode: window.code, level: 5 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RatingBusyAppError);
    expect((refused as RatingBusyAppError).statusCode).toBe(503);
  });

  it('stores the rating on the China-time day with the window and unit, attributed to nobody when the resident named nobody (不确定)', async () => {
    const { deps, stored } = fakeDeps({ staffOnDutyIds: ['staff-1', 'staff-2'] });
    const result = await submitRating(deps, { windowCode: window.code, level: 4 });
    expect(result).toEqual({ id: 'id-1', replayed: false });
    expect(stored[0]!.rating).toMatchObject({ day: '2026-03-02', level: 4, unitId: 'unit-1', hasContact: false });
    expect(stored[0]!.rating).not.toHaveProperty('servedBy');
    expect(stored[0]!.rating).not.toHaveProperty('staffIds');
  });

  it('attributes the rating to the one staff member the resident named, not to everyone on duty', async () => {
    const { deps, stored } = fakeDeps({ staffOnDutyIds: ['staff-1', 'staff-2'] });
    await submitRating(deps, { windowCode: window.code, level: 1, staffId: 'staff-2' });
    expect(stored[0]!.rating.servedBy).toBe('staff-2');
    expect(stored[0]!.rating).not.toHaveProperty('staffIds');
  });

  it('refuses a staffId not on duty at the window now (400 naming staffId) and stores nothing', async () => {
    const { deps, stored } = fakeDeps({ staffOnDutyIds: ['staff-1'] });
    const refused = submitRating(deps, { windowCode: window.code, level: 1, staffId: 'staff-9' });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ issues: [{ field: 'staffId' }] });
    expect(stored).toEqual([]);
  });

  it('keeps a consented phone only in sealed form, never on the rating', async () => {
    const { deps, stored } = fakeDeps();
    await submitRating(deps, { windowCode: window.code, level: 1, contactPhone: '13800138000', consentToCallback: true });
    expect(stored[0]!.contact?.sealedPhone).toBe('sealed(11)');
    expect(JSON.stringify(stored[0]!.rating)).not.toContain('13800138000');
    expect(stored[0]!.rating.hasContact).toBe(true);
  });

  it('replays the first result for a repeated idempotency key with the same answers in any key order', async () => {
    const { deps, stored } = fakeDeps();
    const first = await submitRating(deps, { windowCode: window.code, level: 2, reasons: ['SLOW'] }, { idempotencyKey: 'key-12345' });
    const again = await submitRating(deps, { reasons: ['SLOW'], level: 2, windowCode: window.code }, { idempotencyKey: 'key-12345' });
    expect(again).toEqual({ id: first.id, replayed: true });
    expect(stored).toHaveLength(1);
  });

  it('refuses a repeated idempotency key with different answers', async () => {
    const { deps } = fakeDeps();
    await submitRating(deps, { windowCode: window.code, level: 5 }, { idempotencyKey: 'key-12345' });
    await expect(submitRating(deps, { windowCode: window.code, level: 1 }, { idempotencyKey: 'key-12345' })).rejects.toBeInstanceOf(
      IdempotencyMismatchError,
    );
  });

  it('fingerprints a request without the phone number: no stored hash can be brute-forced back to it (finding 3.1)', async () => {
    const { deps, stored } = fakeDeps();
    const body = { windowCode: window.code, level: 1 as const, consentToCallback: true };
    await submitRating(deps, { ...body, contactPhone: '13800138000' }, { idempotencyKey: 'key-aaaaaaaa' });
    await submitRating(deps, { ...body, contactPhone: '13900139000' }, { idempotencyKey: 'key-bbbbbbbb' });
    const [first, second] = stored.map((write) => write.idempotency!.fingerprint);
    // The fingerprint is the same whichever number was given, so it holds nothing of the number.
    expect(first).toBe(second);
    // Only the sealed contact carries the number; a request with no phone is still a different request.
    await submitRating(deps, { windowCode: window.code, level: 1 }, { idempotencyKey: 'key-cccccccc' });
    expect(stored[2]!.idempotency!.fingerprint).not.toBe(first);
  });

  it('refuses unknown windows and windows that are not collecting ratings', async () => {
    await expect(submitRating(fakeDeps().deps, { windowCode: 'nosuchwin', level: 5 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(submitRating(fakeDeps({ active: false }).deps, { windowCode: window.code, level: 5 })).rejects.toBeInstanceOf(ConflictError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFrame, frameStager, mergeStages, NO_WINDOW_STRATUM, type FrameOptions, type FrameRecord } from './frame.js';

const base: FrameRecord = {
  unitId: 'u1',
  projNo: 'P-1',
  windowCode: 'w1',
  serviceItem: '营业执照',
  servedVia: 'window',
  applicantType: 'person',
  day: '2026-12-01',
  finishedAt: '2026-12-01T02:00:00.000Z',
  phoneKey: 'k1',
  contactId: 'c1',
};
const options = (extra: Partial<FrameOptions> = {}): FrameOptions => ({
  filters: { from: '2026-12-01', to: '2026-12-31' },
  strataBy: 'unit',
  quarantined: () => false,
  reachable: () => true,
  entryIdOf: (phoneKey) => `e-${phoneKey}`,
  ...extra,
});

describe('buildFrame', () => {
  it('keeps one entry per person: their latest 办件, a tie of time going to the greatest 办件编号', () => {
    const frame = buildFrame(
      [
        { ...base, projNo: 'A-9', unitId: 'u1' },
        { ...base, projNo: 'A-10', unitId: 'u2', finishedAt: '2026-12-03T02:00:00.000Z', day: '2026-12-03' },
        { ...base, projNo: 'B-1', unitId: 'u3', finishedAt: '2026-12-03T02:00:00.000Z', day: '2026-12-03' },
        { ...base, projNo: 'Z-1', phoneKey: 'k2', unitId: 'u1' },
      ],
      options(),
    );
    expect(frame.entries.map(({ stratum, entryId }) => [stratum, entryId])).toEqual([
      ['u1', 'e-k2'],
      ['u3', 'e-k1'],
    ]);
    expect(frame).toMatchObject({ matched: 4, withoutMobile: 0, people: 2, quarantined: 0 });
  });

  it('counts 办件 outside the period or filters as not matched, without a reachable number as withoutMobile, and quarantined people', () => {
    const frame = buildFrame(
      [
        { ...base, day: '2026-11-30' },
        { ...base, projNo: 'P-2', servedVia: 'online', phoneKey: 'k9' },
        { ...base, projNo: 'P-3', phoneKey: undefined, contactId: undefined },
        { ...base, projNo: 'P-4', phoneKey: 'k4', contactId: 'gone' },
        { ...base, projNo: 'P-5', phoneKey: 'k5' },
        { ...base, projNo: 'P-6', phoneKey: 'k6' },
      ],
      options({
        filters: { from: '2026-12-01', to: '2026-12-31', servedVia: ['window'] },
        reachable: (record) => record.contactId !== 'gone',
        quarantined: (phoneKey) => phoneKey === 'k5',
      }),
    );
    expect(frame).toMatchObject({ matched: 4, withoutMobile: 2, people: 2, quarantined: 1 });
    expect(frame.entries.map((entry) => entry.entryId)).toEqual(['e-k6']);
  });

  it('stratifies by window (办件 without one together) or by service item, entries in UTF-8 byte order', () => {
    const records = [
      { ...base, phoneKey: 'k1', windowCode: 'w2' },
      { ...base, phoneKey: 'k2', windowCode: undefined, serviceItem: '不动产' },
      { ...base, phoneKey: 'k3', windowCode: 'w1' },
    ];
    expect(buildFrame(records, options({ strataBy: 'window' })).entries.map((entry) => entry.stratum)).toEqual([NO_WINDOW_STRATUM, 'w1', 'w2']);
    expect(buildFrame(records, options({ strataBy: 'serviceItem' })).entries.map((entry) => entry.stratum)).toEqual(['不动产', '营业执照', '营业执照']);
  });
});

describe('stages (a freeze job reads a unit month at a time)', () => {
  it('breaks a full tie (same time, same 办件编号, two units) the same way in either order', () => {
    const a = { ...base, unitId: 'u1', contactId: 'c1' };
    const b = { ...base, unitId: 'u2', contactId: 'c2' };
    const one = buildFrame([a, b], options());
    const other = buildFrame([b, a], options());
    expect(one).toEqual(other);
    expect(one.entries.map((entry) => entry.stratum)).toEqual(['u2']);
  });

  const record = fc.record({
    unitId: fc.constantFrom('u1', 'u2', 'u3'),
    projNo: fc.constantFrom('A-1', 'A-10', 'A-9', 'B-2'),
    windowCode: fc.option(fc.constantFrom('w1', 'w2'), { nil: undefined }),
    serviceItem: fc.constantFrom('营业执照', '不动产'),
    servedVia: fc.constantFrom('window', 'online'),
    applicantType: fc.constant('person'),
    day: fc.constantFrom('2026-11-30', '2026-12-01', '2026-12-02'),
    finishedAt: fc.constantFrom('2026-12-01T02:00:00.000Z', '2026-12-02T02:00:00.000Z'),
    phoneKey: fc.option(fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5'), { nil: undefined }),
    contactId: fc.option(fc.constantFrom('c1', 'c2', 'gone'), { nil: undefined }),
  });

  it('merging the stages of any split of the 办件, in any order, gives the frame read at once', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.array(fc.nat(4), { maxLength: 40 }), fc.constantFrom<FrameOptions['strataBy']>('unit', 'window', 'serviceItem'), (records, parts, strataBy) => {
        const frameOptions = options({
          strataBy,
          filters: { from: '2026-12-01', to: '2026-12-31', servedVia: ['window'] },
          reachable: (r) => r.contactId !== 'gone',
          quarantined: (phoneKey) => phoneKey === 'k5',
        });
        const whole = buildFrame(records, frameOptions);
        const stagers = Array.from({ length: 5 }, () => frameStager(frameOptions));
        records.forEach((r, index) => stagers[parts[index] ?? 0]!.add(r));
        const stages = stagers.map((stager) => stager.finish()).reverse();
        expect(mergeStages(stages, frameOptions)).toEqual(whole);
      }),
      { seed: 20261207, numRuns: 1000 },
    );
  });
});

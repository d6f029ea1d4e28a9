import { describe, expect, it } from 'vitest';
import { describeOutbox, OutboxUsageError, parseOutboxArgs } from './outbox.js';

describe('npm run outbox', () => {
  const line = (at: string, kind: string) => ({ roundId: 'r-1', at, kind, to: '138****5678', text: `您好 http://localhost:3000/s/${at}`, link: `http://localhost:3000/s/${at}` });

  it('prints the newest messages first, at most the limit, with masked numbers and links', () => {
    const text = describeOutbox([line('2026-12-01T01:00:00.000Z', 'invitation'), line('2026-12-04T01:00:00.000Z', 'reminder'), line('2026-12-02T01:00:00.000Z', 'invitation')], 2);
    expect(text.indexOf('2026-12-04')).toBeLessThan(text.indexOf('2026-12-02'));
    expect(text).not.toContain('2026-12-01T');
    expect(text).toContain('提醒  138****5678');
    expect(text).toContain('2 of 3 messages');
  });

  it('says so when the outbox is empty, and refuses a bad limit', () => {
    expect(describeOutbox([], 20)).toContain('发件箱是空的');
    expect(parseOutboxArgs(['--round', 'r-9'])).toEqual({ roundId: 'r-9', limit: 20 });
    expect(() => parseOutboxArgs(['--limit', '0'])).toThrow(OutboxUsageError);
  });
});

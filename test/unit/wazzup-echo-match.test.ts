import { describe, expect, it } from 'vitest';
import {
  ECHO_MATCH_WINDOW_MS,
  echoMatchRange,
  isSameOutbound,
  isWazzupCrmRecordId,
  wazzupCrmRecordId,
} from '../../lambdas/domain/inbound/wazzup-echo-match.js';

const CH = '3f4c2b9e-6d0a-4c1e-9b7a-5e2d8f1a0c34';
const at = (ms: number) => new Date(Date.parse('2026-11-21T12:00:00.000Z') + ms).toISOString();
const record = { phoneNumberId: CH, text: 'hello', timestamp: at(0) };

describe('matching an echo to the record of a repeated send', () => {
  it('matches the same text from the same channel within the window, either side', () => {
    expect(isSameOutbound(record, { ...record, timestamp: at(-30_000) })).toBe(true);
    expect(isSameOutbound(record, { ...record, timestamp: at(ECHO_MATCH_WINDOW_MS) })).toBe(true);
  });

  it('does not match other text, another channel, or outside the window', () => {
    expect(isSameOutbound(record, { ...record, text: 'hello!' })).toBe(false);
    expect(isSameOutbound(record, { ...record, phoneNumberId: 'other' })).toBe(false);
    expect(isSameOutbound(record, { ...record, timestamp: at(ECHO_MATCH_WINDOW_MS + 1) })).toBe(false);
    expect(isSameOutbound({ ...record, text: '' }, { ...record, text: '' })).toBe(false);
  });

  it('matches a file by its link alone (the caption goes out as a send of its own)', () => {
    const file = { phoneNumberId: CH, text: 'caption', media: { url: 'https://x.test/a.jpg' }, timestamp: at(0) };
    expect(isSameOutbound(file, { phoneNumberId: CH, media: { url: 'https://x.test/a.jpg' }, timestamp: at(1000) })).toBe(true);
    expect(isSameOutbound(file, { phoneNumberId: CH, media: { url: 'https://x.test/b.jpg' }, timestamp: at(1000) })).toBe(false);
    expect(isSameOutbound(file, { phoneNumberId: CH, text: 'caption', timestamp: at(1000) })).toBe(false);
  });

  it('names repeat records and gives the lookup range', () => {
    expect(wazzupCrmRecordId('job:cmd:1')).toBe('wazzup-crm.job:cmd:1');
    expect(isWazzupCrmRecordId('wazzup-crm.job:cmd:1')).toBe(true);
    expect(isWazzupCrmRecordId('0b6c1f7e-1a2b-4c3d-8e4f-5a6b7c8d9e01')).toBe(false);
    expect(echoMatchRange(at(0))).toEqual({ from: at(-ECHO_MATCH_WINDOW_MS), to: at(ECHO_MATCH_WINDOW_MS) });
  });
});

import { describe, expect, it } from 'vitest';
import { containsAny, holds } from './conditions.js';

const source = (fields: Record<string, string | number | undefined>) => ({
  lookup: (field: string) => fields[field],
});

describe('containsAny', () => {
  it('finds a phrase as whole words, ignoring case and punctuation', () => {
    expect(containsAny('My APP DOWN since 9!', ['app down'])).toBe(true);
    expect(containsAny('App-down?', ['app down'])).toBe(true);
    expect(containsAny('Report: data loss after update', ['lost data', 'data loss'])).toBe(true);
  });

  it('does not match inside words or across other words', () => {
    expect(containsAny('the app is down', ['app down'])).toBe(false);
    expect(containsAny('catalog injection', ['log in'])).toBe(false);
    expect(containsAny('a guide to the UI', ['ui'])).toBe(true);
    expect(containsAny('guidance', ['ui'])).toBe(false);
  });

  it('matches apostrophes and non-Latin scripts the same way on both sides', () => {
    expect(containsAny("It doesn't work", ["doesn't work"])).toBe(true);
    expect(containsAny('ऐप बंद है', ['बंद'])).toBe(true);
  });

  it('holds for no phrase, and never for what is not text', () => {
    expect(containsAny('', ['x'])).toBe(false);
    expect(containsAny(42, ['42'])).toBe(false);
    expect(containsAny(undefined, ['x'])).toBe(false);
    expect(containsAny('anything', ['', '!!'])).toBe(false);
  });
});

describe('holds with contains', () => {
  it('reads the field and combines with the other operators', () => {
    const ticket = source({ text: 'Gate cannot check in visitors', channel: 'email' });
    expect(holds({ field: 'text', contains: ['cannot check in'] }, ticket)).toBe(true);
    expect(holds({ field: 'text', contains: ['cannot create pass'] }, ticket)).toBe(false);
    expect(
      holds(
        {
          all: [
            { field: 'text', contains: ['gate'] },
            { field: 'channel', eq: 'phone' },
          ],
        },
        ticket,
      ),
    ).toBe(false);
    expect(holds({ field: 'subject', contains: ['gate'] }, ticket)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './suggest.js';

describe('closestName', () => {
  const sections = ['calendars', 'holidaySets', 'scales', 'slaPolicies', 'templates'];

  it('suggests the name an author most likely meant', () => {
    expect(closestName('calendar', sections)).toBe('calendars');
    expect(closestName('calender', sections)).toBe('calendars');
    expect(closestName('holiday-sets', sections)).toBe('holidaySets');
    expect(closestName('timezone', ['id', 'label', 'timeZone'])).toBe('timeZone');
    expect(closestName('tues', ['mon', 'tue', 'wed'])).toBe('tue');
  });

  it('suggests nothing when no name is close', () => {
    expect(closestName('frobnicate', sections)).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('tempaltes', 'templates')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

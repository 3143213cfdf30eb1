import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPackReference } from './reference.js';
import { PACK_SECTIONS } from './schema/pack.js';

describe('pack reference', () => {
  it('is generated from the schema (npm run docs)', () => {
    expect(readFileSync('docs/pack-reference.md', 'utf8')).toBe(renderPackReference());
  });

  it('documents every section and the fields of nested lists', () => {
    const doc = renderPackReference();
    for (const section of Object.keys(PACK_SECTIONS)) expect(doc).toContain(`## \`${section}\``);
    expect(doc).toContain('| `steps[].branches[].when` |');
    expect(doc).toContain('| `levels[].targets.firstResponse` | [Target](#target) |');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './catalog.js';
import { renderErrorsMarkdown } from './render.js';

describe('error catalog', () => {
  it('is documented: docs/errors.md is generated from it (npm run docs)', () => {
    expect(readFileSync('docs/errors.md', 'utf8')).toBe(renderErrorsMarkdown());
  });

  it('gives every error an OPS_ code, an HTTP status and a hint that says how to fix it', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^OPS_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.hint.length).toBeGreaterThan(20);
    }
  });
});

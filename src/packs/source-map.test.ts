import { describe, expect, it } from 'vitest';
import { parseYamlSource } from './source-map.js';

describe('parseYamlSource: aliases', () => {
  it('accepts an alias to an anchor before it, and reports one with no anchor before it', () => {
    expect(parseYamlSource('a.yaml', 'x: &hours [09:00-18:00]\ny: *hours\n').problems).toEqual([]);
    expect(parseYamlSource('a.yaml', 'y: *hours\nx: &hours [09:00-18:00]\n').problems).toEqual([
      expect.objectContaining({
        line: 1,
        column: 4,
        message: expect.stringContaining('*hours refers to no anchor'),
      }),
    ]);
  });

  it('resolves each alias against the anchors before it, in one pass over thousands of them', () => {
    expect(
      parseYamlSource('a.yaml', 'a: *x\nb: &x 1\nc: *x\nd: &x [*x]\n').problems.map((p) => p.line),
    ).toEqual([1]);
    const items = Array.from({ length: 2_000 }, (_, i) => `  - { id: i${i}, facts: *facts }`).join('\n');
    expect(parseYamlSource('a.yaml', `facts: &facts ['000#1']\nitems:\n${items}\n`).problems).toEqual([]);
  });
});

describe('values cut short by a comment', () => {
  it('warns where a glued `#` ended a plain value, and leaves real comments and quoted values alone', () => {
    const text = [
      'channels:',
      '  - purpose: Post in #releases channel',
      '  - purpose: Post in releases # a real comment',
      "  - purpose: 'Post in #releases channel'",
      '',
    ].join('\n');
    const { problems } = parseYamlSource('support.yaml', text);
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'support.yaml',
        line: 2,
        column: 14,
        severity: 'warning',
        message: 'YAML read "#releases channel" as a comment, so this value ends at "Post in"',
      }),
    ]);
  });
});

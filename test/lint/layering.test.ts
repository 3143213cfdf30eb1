/**
 * The layering rules of eslint.config.js do bite: code that breaks them, placed (virtually) in src/core or
 * src/engine, is reported; the same code elsewhere is not.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Only the syntactic rules matter here; type-aware ones need the file to exist in a tsconfig.
const eslint = new ESLint({
  overrideConfig: [
    tseslint.configs.disableTypeChecked,
    { languageOptions: { parserOptions: { projectService: false } } },
  ],
});

async function messagesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layering lint', () => {
  it('keeps src/core free of I/O, storage, HTTP, the shell, the clock and randomness', async () => {
    const code = [
      "import { readFileSync } from 'node:fs';",
      "import { sql } from 'drizzle-orm';",
      "import { Worker } from '../engine/worker.js';",
      'export const a = [readFileSync, sql, Worker];',
      'export const t = Date.now();',
      'export const d = new Date();',
      'export const r = Math.random();',
      'export const e = process.env.PORT;',
    ].join('\n');
    const messages = await messagesFor('src/core/bad.ts', code);
    expect(messages.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(3);
    expect(messages.filter((m) => m.startsWith('no-restricted-syntax'))).toHaveLength(3);
    expect(
      messages.some((m) => m.startsWith('no-restricted-globals') || m.startsWith('no-restricted-properties')),
    ).toBe(true);
  });

  it('lets src/engine take time only from its clock', async () => {
    const messages = await messagesFor(
      'src/engine/bad.ts',
      'export const t = Date.now();\nexport const d = new Date(0);\n',
    );
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-syntax: Pass time in/)]);
  });

  it('allows the same code in the shell, except reading process.env outside src/config/env.ts', async () => {
    expect(await messagesFor('src/cli/fine.ts', 'export const t = Date.now();\n')).toEqual([]);
    expect(await messagesFor('src/api/bad.ts', 'export const p = process.env.PORT;\n')).toEqual([
      expect.stringMatching(/^no-restricted-properties: .*only src\/config\/env.ts/),
    ]);
  });
});

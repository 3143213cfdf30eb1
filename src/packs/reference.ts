/**
 * Renders docs/pack-reference.md from the zod schema itself (via its JSON Schema), so the reference and
 * what the loader accepts cannot drift: `npm run docs` writes it, a test compares.
 */
import { z } from 'zod';
import { Cadence, Condition, Duration, Facts, Id, Recipient, Target } from './schema/common.js';
import { PackDocument } from './schema/document.js';
import { PACK_SECTIONS } from './schema/pack.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  additionalProperties?: JsonSchema | boolean;
  $ref?: string;
};

const toJson = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** Shared types are documented once and linked to wherever they occur (matched by their description). */
const COMMON: { name: string; schema: z.ZodType }[] = [
  { name: 'Duration', schema: Duration },
  { name: 'Target', schema: Target },
  { name: 'Condition', schema: Condition },
  { name: 'Cadence', schema: Cadence },
  { name: 'Recipient', schema: Recipient },
  { name: 'Facts', schema: Facts },
  { name: 'Id', schema: Id },
];
const commonByDescription = new Map(COMMON.map((c) => [toJson(c.schema).description ?? c.name, c.name]));

const anchor = (name: string) => `[${name}](#${name.toLowerCase()})`;

function typeOf(node: JsonSchema): string {
  const common = node.description ? commonByDescription.get(node.description) : undefined;
  if (common) return anchor(common);
  if (node.$ref) return anchor('Condition');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') {
    return `map of ${typeOf(node.additionalProperties)}`;
  }
  return Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
}

function isCommon(node: JsonSchema): boolean {
  return node.description !== undefined && commonByDescription.has(node.description);
}

/** Rows `path | type | required | meaning`, descending into objects and lists of objects. */
function rows(node: JsonSchema, prefix: string, depth: number): string[] {
  const target = node.type === 'array' && node.items ? node.items : node;
  if (!target.properties || depth > 4) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(target.properties)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const required = target.required?.includes(key) ? 'yes' : '';
    const meaning = (child.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    out.push(`| \`${path}\` | ${typeOf(child)} | ${required} | ${isCommon(child) ? '' : meaning} |`);
    if (!isCommon(child)) out.push(...rows(child, child.type === 'array' ? `${path}[]` : path, depth + 1));
  }
  return out;
}

function table(node: JsonSchema): string {
  const body = rows(node, '', 0);
  if (body.length === 0) return `Type: ${typeOf(node)}.\n`;
  return ['| field | type | required | meaning |', '| --- | --- | --- | --- |', ...body].join('\n') + '\n';
}

export function renderPackReference(): string {
  const parts = [
    '# Pack reference',
    '',
    '<!-- Generated from src/packs/schema by `npm run docs`. Do not edit by hand. -->',
    '',
    'A pack is a folder: `pack.yaml` holds the document control below; every other `*.yaml` file holds one or',
    'more **sections** as top-level keys (a section lives in one file only); `README.md` records the choices the',
    'authors made where the SOP is ambiguous; `tests/*.yaml` holds scenario tests. Unknown keys are errors.',
    '',
    '## pack.yaml',
    '',
    table(toJson(PackDocument)),
  ];
  for (const [name, schema] of Object.entries(PACK_SECTIONS)) {
    const json = toJson(schema);
    parts.push(`## \`${name}\``, '', json.description ?? '', '', table(json));
  }
  parts.push('## Common types', '');
  for (const common of COMMON) {
    parts.push(`### ${common.name}`, '', toJson(common.schema).description ?? '', '');
  }
  return parts.join('\n');
}

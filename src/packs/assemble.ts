/**
 * Puts the parsed files of a pack together into the one object the schema checks: `pack.yaml` becomes
 * `pack`, and each top-level key of another file is a section. Remembers which file each section came
 * from, so a schema issue can be traced back to its line.
 */
import { PACK_SECTIONS } from './schema/pack.js';
import { PACK_FILE } from './pack-folder.js';
import type { PackProblem } from './problems.js';
import { topLevelKeys, type Position, type YamlSource } from './source-map.js';
import { closestName } from './suggest.js';

export interface AssembledPack {
  /** `{ pack, <section>: value, … }`, ready for the schema. */
  readonly input: Record<string, unknown>;
  /** The file each top-level key (`pack` or a section) was read from. */
  readonly origins: ReadonlyMap<string, YamlSource>;
  readonly problems: PackProblem[];
}

const SECTION_NAMES: readonly string[] = Object.keys(PACK_SECTIONS);

/** Assembles the pack from files that parsed without YAML errors. */
export function assemblePack(sources: readonly YamlSource[]): AssembledPack {
  const input: Record<string, unknown> = {};
  const origins = new Map<string, YamlSource>();
  const where = new Map<string, string>();
  const problems: PackProblem[] = [];
  for (const source of sources) {
    const content = readContent(source, problems);
    if (content === undefined) continue;
    if (source.file === PACK_FILE) {
      input.pack = content;
      origins.set('pack', source);
      continue;
    }
    for (const { key, position } of sectionKeys(source, content, problems)) {
      const seen = where.get(key);
      if (seen !== undefined) {
        problems.push(duplicateSection(source, key, position, seen));
        continue;
      }
      input[key] = (content as Record<string, unknown>)[key];
      origins.set(key, source);
      where.set(key, `${source.file}:${position.line}:${position.column}`);
    }
  }
  return { input, origins, problems };
}

/** The file as plain data; `undefined` (with a problem) when it cannot be (an alias to nothing, …). */
function readContent(source: YamlSource, problems: PackProblem[]): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (err) {
    problems.push(fileProblem(source, `YAML: ${(err as Error).message}`, 'error'));
    return undefined;
  }
}

/** The keys of a section file that name sections; the others are reported. */
function sectionKeys(source: YamlSource, content: unknown, problems: PackProblem[]) {
  const keys = topLevelKeys(source);
  if (content === null || content === undefined) {
    problems.push(fileProblem(source, 'the file is empty: it defines no section', 'warning'));
    return [];
  }
  if (keys === undefined) {
    const hint = `start the file with a section name, e.g. \`${SECTION_NAMES[0] ?? 'calendars'}:\``;
    problems.push({
      ...fileProblem(source, 'expected a map of sections (section: definitions)', 'error'),
      hint,
    });
    return [];
  }
  return keys.filter(({ key, position }) => {
    if (SECTION_NAMES.includes(key)) return true;
    problems.push(unknownSection(source, key, position));
    return false;
  });
}

function unknownSection(source: YamlSource, key: string, position: Position): PackProblem {
  const base = { file: source.file, ...position, path: key, severity: 'error' as const };
  if (key === 'pack') {
    return {
      ...base,
      message: '`pack` is not a section',
      hint: 'document control belongs in pack.yaml, on its own',
    };
  }
  const closest = closestName(key, SECTION_NAMES);
  const known = `sections: ${SECTION_NAMES.join(', ')}`;
  return {
    ...base,
    message: `unknown section \`${key}\``,
    hint: closest ? `did you mean \`${closest}\`? ${known}` : known,
  };
}

function duplicateSection(source: YamlSource, key: string, position: Position, seen: string): PackProblem {
  return {
    file: source.file,
    ...position,
    path: key,
    message: `section \`${key}\` is also defined in ${seen}`,
    hint: 'a section lives in one file; move these entries into that file',
    severity: 'error',
  };
}

function fileProblem(source: YamlSource, message: string, severity: PackProblem['severity']): PackProblem {
  return { file: source.file, line: 1, column: 1, path: '', message, severity };
}

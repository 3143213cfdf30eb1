/** @mentions in an internal note: what is being typed after an `@`, the list of agents, the insertion. */
import type { Agent } from '../support-api';

export interface MentionQuery {
  /** Where the `@` is. */
  readonly start: number;
  /** Where the caret is. */
  readonly end: number;
  /** What follows the `@`. */
  readonly text: string;
  /** The highlighted suggestion. */
  readonly active: number;
}

/** The mention being typed at `caret` (`@ali`), or null. */
export function mentionAt(value: string, caret: number): MentionQuery | null {
  const match = /(?:^|\s)@([^\s@]{0,30})$/.exec(value.slice(0, caret));
  if (!match) return null;
  const typed = match[1] ?? '';
  return { start: caret - typed.length - 1, end: caret, text: typed, active: 0 };
}

/** The text with the mention replaced by `@Name `, and where the caret goes. */
export function withMention(
  value: string,
  query: MentionQuery,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  return {
    text: value.slice(0, query.start) + inserted + value.slice(query.end),
    caret: query.start + inserted.length,
  };
}

export function MentionList({
  agents,
  active,
  onChoose,
}: {
  readonly agents: readonly Agent[];
  readonly active: number;
  readonly onChoose: (agent: Agent) => void;
}) {
  return (
    <ul id="mention-list" className="mention-list" role="listbox" aria-label="Mention an agent">
      {agents.map((a, i) => (
        <li
          key={a.userId}
          id={`mention-${a.userId}`}
          role="option"
          aria-selected={i === active}
          // Chosen on mouse down, before the textarea's blur closes the list.
          onMouseDown={(e) => {
            e.preventDefault();
            onChoose(a);
          }}
        >
          {a.name} <span className="muted">{a.email}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The inbox's keyboard: j / ↓ and k / ↑ move the cursor, Enter or o opens, x selects, / searches, ?
 * shows the shortcuts. Keys typed into a field are the field's, except Escape.
 */
import { useEffect, useRef } from 'react';
import type { Ticket } from '../support-api';

export const SHORTCUTS: readonly (readonly [keys: string, what: string])[] = [
  ['j or ↓', 'Next ticket'],
  ['k or ↑', 'Previous ticket'],
  ['Enter or o', 'Open the ticket'],
  ['x', 'Select or unselect the ticket'],
  ['/', 'Search'],
  ['?', 'Show or hide these shortcuts'],
  ['Esc', 'Leave the search box, close this list'],
];

interface Keys {
  readonly items: readonly Ticket[];
  readonly cursor: number | null;
  readonly onCursor: (number: number) => void;
  readonly onOpen: (number: number) => void;
  readonly onToggle: (number: number) => void;
  readonly onSearch: () => void;
  readonly onHelp: () => void;
  readonly onEscape: () => void;
}

/** Whether a key press belongs to what has focus (a text field, a select): then the inbox ignores it. */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return (
    target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)
  );
}

export function useInboxKeys(keys: Keys): void {
  const latest = useRef(keys);
  useEffect(() => {
    latest.current = keys;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      if (typingIn(event.target)) return;
      const { items, cursor, onCursor, onOpen, onToggle, onSearch, onHelp, onEscape } = latest.current;
      const at = items.findIndex((t) => t.number === cursor);
      const move = (step: number) => {
        const next = items[at < 0 ? 0 : Math.min(Math.max(at + step, 0), items.length - 1)];
        if (next) onCursor(next.number);
      };
      const current = at >= 0 ? items[at] : undefined;
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          move(1);
          break;
        case 'k':
        case 'ArrowUp':
          move(-1);
          break;
        case 'Enter':
          // A focused link or button answers Enter itself.
          if (
            event.target instanceof HTMLAnchorElement ||
            event.target instanceof HTMLButtonElement ||
            event.target instanceof HTMLInputElement
          )
            return;
          if (!current) return;
          onOpen(current.number);
          break;
        case 'o':
          if (!current) return;
          onOpen(current.number);
          break;
        case 'x':
          if (!current) return;
          onToggle(current.number);
          break;
        case '/':
          onSearch();
          break;
        case '?':
          onHelp();
          break;
        case 'Escape':
          onEscape();
          return;
        default:
          return;
      }
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

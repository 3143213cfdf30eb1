/** The document title and heading focus of a page. */
import { useEffect, useRef } from 'react';

/** Moves focus to the page heading when the page changes, so screen readers announce it. */
export function useHeadingFocus(key: string, title: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  const shown = useRef(key);
  useEffect(() => {
    document.title = `${title} · Opsbook`;
  }, [title]);
  useEffect(() => {
    if (shown.current === key) return;
    shown.current = key;
    ref.current?.focus();
  }, [key]);
  return ref;
}

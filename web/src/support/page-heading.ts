/**
 * The title and heading of a help-desk page. The app's pages share one component that moves focus to
 * the heading when the page changes (heading.ts); these pages replace it, so each focuses its heading
 * when it appears (unless someone is typing in a field), and screen readers announce the new page.
 */
import { useEffect } from 'react';
import { useHeadingFocus } from '../heading';
import { typingIn } from './inbox-keys';

export function usePageHeading(key: string, title: string) {
  const ref = useHeadingFocus(key, title);
  useEffect(() => {
    if (!typingIn(document.activeElement)) ref.current?.focus({ preventScroll: true });
  }, [ref]);
  return ref;
}

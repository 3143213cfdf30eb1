/** The inbox's keyboard shortcuts, shown by `?` or its button; Escape or Close hides them. */
import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './inbox-keys';

export function ShortcutHelp({ onClose }: { readonly onClose: () => void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const before = document.activeElement;
    ref.current?.focus();
    return () => {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);
  return (
    <section
      ref={ref}
      className="card shortcuts"
      role="dialog"
      aria-labelledby="shortcuts-title"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="card-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="shortcut-list">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

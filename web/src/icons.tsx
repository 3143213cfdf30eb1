/** Line icons for the navigation, drawn inline so no icon font or external asset is needed. */

const PATHS: Readonly<Record<string, readonly string[]>> = {
  '/inbox': ['M3 13h5l2 3h4l2-3h5', 'M5.5 5h13L21 13v6H3v-6z'],
  '/support': ['M4 13a8 8 0 0 1 16 0', 'M4 13v4h3v-5H4', 'M20 13v4h-3v-5h3'],
  '/incidents': ['M12 3.5 2.5 20h19z', 'M12 10v4.5', 'M12 17.2v.1'],
  '/status': ['M3 12h4l3-7 4 14 3-7h4'],
  '/customers': [
    'M15.5 20v-1.5a4 4 0 0 0-4-4h-5a4 4 0 0 0-4 4V20',
    'M12.5 7a3.5 3.5 0 1 1-7 0 3.5 3.5 0 0 1 7 0',
    'M21.5 20v-1.5a4 4 0 0 0-3-3.9',
    'M15.5 3.6a3.5 3.5 0 0 1 0 6.8',
  ],
  '/operations': [
    'M10 6h10',
    'M10 12h10',
    'M10 18h10',
    'M3.5 6l1.5 1.5L7.5 5',
    'M3.5 12l1.5 1.5 2.5-2.5',
    'M3.5 18l1.5 1.5 2.5-2.5',
  ],
  '/packs': ['M21 7.5 12 3 3 7.5v9l9 4.5 9-4.5z', 'M3 7.5l9 4.5 9-4.5', 'M12 12v9'],
  '/admin': [
    'M4 6h9',
    'M17 6h3',
    'M4 12h3',
    'M11 12h9',
    'M4 18h11',
    'M19 18h1',
    'M15 4v4',
    'M9 10v4',
    'M17 16v4',
  ],
  '/account/security': ['M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6z', 'M9 12l2 2 4-4'],
  '/account/sessions': ['M3.5 5h17v11h-17z', 'M8.5 20h7', 'M12 16v4'],
};

export function NavIcon({ path }: { readonly path: string }) {
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      {(PATHS[path] ?? []).map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path
        d="M9 8h10a4 4 0 0 1 4 4v12H13a4 4 0 0 1-4-4z"
        fill="none"
        stroke="#fff"
        strokeWidth="2.5"
        strokeLinejoin="round"
      />
      <path d="M13 14h6M13 18h6" stroke="#fff" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

/** Plain words for a session: which browser on which system, and how it signed in. */

const BROWSERS: readonly [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//, 'curl'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/iPhone|iPad/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Firefox on Windows" from a User-Agent header; the header itself when nothing is recognised. */
export function describeAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}

const FACTORS: Readonly<Record<string, string>> = {
  password: 'password',
  sms: 'text message',
  totp: 'authenticator app',
  recovery: 'recovery code',
};

/** `password+totp` → "Password and authenticator app". */
export function describeMethod(method: string): string {
  const words = method.split('+').map((part) => FACTORS[part] ?? part);
  const text = words.join(' and ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

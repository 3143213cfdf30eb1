import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSecrets, maskSecrets, type SecretKind } from './secret-scan.js';

// Fake secrets are assembled from pieces so that repository secret scanners do not flag this file.
const GITHUB_TOKEN = 'ghp_' + 'a1B2c3D4e5'.repeat(3) + 'F6g7H8';
const GITHUB_PAT = 'github_' + 'pat_' + '11ABCDEFG0123456789_' + 'abcdefghij'.repeat(4);
const SLACK_TOKEN = 'xox' + 'b-123456789012-1234567890123-' + 'AbCdEfGhIjKlMnOpQrStUvWx';
const SLACK_WEBHOOK_PATH = 'T0ABCDEF1/B0ABCDEF2/' + 'aBcDeFgHiJkLmNoPqRsTuVwX';
const STRIPE_KEY = 'sk_' + 'live_' + '51H8xYzAbCdEfGhIjKlMnOpQrSt';
const STRIPE_WEBHOOK_SECRET = 'whsec_' + 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLSFz';
const GOOGLE_KEY = 'AIza' + 'SyD-1234567890abcdefghijABCDEFGHIJ_';
const AWS_KEY = 'AKIA' + 'IOSFODNN7EXAMPLE';
const OPSBOOK_TOKEN = 'opsb_' + 'q3Xv9-Lk2_PzR8mN4tYb7HcW1sJd6EfGa0UiOo5KlMn';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9' +
  '.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ' +
  '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const OPAQUE_TOKEN = 'mF3kQ9zX1vB7nL2pR8tY4wC6';
const PRIVATE_KEY = [
  '-----BEGIN RSA ' + 'PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  '-----END RSA ' + 'PRIVATE KEY-----',
].join('\n');

function values(text: string, kind?: SecretKind): string[] {
  return findSecrets(text)
    .filter((f) => kind === undefined || f.kind === kind)
    .map((f) => text.slice(f.start, f.end));
}

describe('findSecrets: one example per kind', () => {
  const cases: [SecretKind, string, string][] = [
    ['card-number', 'Card is 4242 4242 4242 4242, exp 12/27', '4242 4242 4242 4242'],
    ['card-number', 'amex 3782-822463-10005 thanks', '3782-822463-10005'],
    ['card-number', 'mc 5555555555554444.', '5555555555554444'],
    ['card-number', 'new mastercard 2223003122003222', '2223003122003222'],
    ['card-number', 'discover: 6011111111111117', '6011111111111117'],
    ['private-key', `here you go\n${PRIVATE_KEY}\nthanks`, PRIVATE_KEY],
    ['jwt', `my session ${JWT} expired`, JWT],
    ['aws-access-key', `aws_access_key_id ${AWS_KEY}`, AWS_KEY],
    ['github-token', `push with ${GITHUB_TOKEN} please`, GITHUB_TOKEN],
    ['github-token', `PAT ${GITHUB_PAT}`, GITHUB_PAT],
    ['slack-token', `bot ${SLACK_TOKEN}`, SLACK_TOKEN],
    ['slack-token', `hook https://hooks.slack.com/services/${SLACK_WEBHOOK_PATH} ok`, SLACK_WEBHOOK_PATH],
    ['stripe-key', `stripe ${STRIPE_KEY}`, STRIPE_KEY],
    ['stripe-key', `signing ${STRIPE_WEBHOOK_SECRET}`, STRIPE_WEBHOOK_SECRET],
    ['google-api-key', `maps ${GOOGLE_KEY}`, GOOGLE_KEY],
    ['opsbook-token', `curl -H "x: ${OPSBOOK_TOKEN}"`, OPSBOOK_TOKEN],
    ['bearer-token', `Authorization: Bearer ${OPAQUE_TOKEN}`, OPAQUE_TOKEN],
    ['password', 'password: hunter2!', 'hunter2!'],
    ['password', 'DB_PASSWORD=Tr0ub4dor&3', 'Tr0ub4dor&3'],
    ['password', '{"password": "correct horse battery"}', 'correct horse battery'],
    ['password', 'the wifi passcode is 8812-ab77', '8812-ab77'],
    ['password', 'pwd: S3cure', 'S3cure'],
    ['password', 'mysql --password=letmein now', 'letmein'],
    ['generic-api-key', 'api key: 9f8e7d6c5b4a39281706', '9f8e7d6c5b4a39281706'],
    ['generic-api-key', "client_secret='abcDEF123ghiJKL456'", 'abcDEF123ghiJKL456'],
    [
      'generic-api-key',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['generic-api-key', 'Token: 3f9a1c77e2b04d18', '3f9a1c77e2b04d18'],
    ['url-credentials', 'DATABASE_URL=postgres://app:S3cr3t!pw@db.internal:5432/opsbook', 'S3cr3t!pw'],
    ['url-credentials', 'clone https://bob:p@ss@git.example.com/repo.git', 'p@ss'],
  ];
  it.each(cases)('finds %s in %j', (kind, text, secret) => {
    expect(values(text)).toEqual([secret]);
    expect(findSecrets(text).map((f) => f.kind)).toEqual([kind]);
  });

  it('reports UTF-16 offsets covering only the value', () => {
    expect(findSecrets('password: hunter2!')).toEqual([{ kind: 'password', start: 10, end: 18 }]);
    const text = '🔑 café — password: hünter2 ✓';
    const [f] = findSecrets(text);
    expect(text.slice(f!.start, f!.end)).toBe('hünter2');
  });

  it('prefers the specific kind when a label and a token cover the same value', () => {
    expect(findSecrets(`token: ${GITHUB_TOKEN}`).map((f) => f.kind)).toEqual(['github-token']);
    expect(findSecrets(`Authorization: Bearer ${JWT}`).map((f) => f.kind)).toEqual(['jwt']);
    expect(findSecrets('password: 4242 4242 4242 4242').map((f) => f.kind)).toEqual(['card-number']);
  });

  it('masks a private key pasted without its END line', () => {
    const truncated = PRIVATE_KEY.split('\n').slice(0, 3).join('\n');
    expect(values(`key:\n${truncated}\n\nthanks`, 'private-key')).toEqual([truncated]);
  });

  it('finds several secrets in order', () => {
    const text = `password: hunter2 and card 4111 1111 1111 1111 and ${AWS_KEY}`;
    expect(findSecrets(text).map((f) => f.kind)).toEqual(['password', 'card-number', 'aws-access-key']);
  });
});

describe('findSecrets: ordinary support text is left alone', () => {
  const negatives = [
    'Order 4111 1111 1111 1112 was shipped', // fails Luhn
    'order #41111111111111119 (19 digits, no Luhn)',
    'call me on +91 98765 43210 or +1 (415) 555-0100',
    'ref 550e8400-e29b-41d4-a716-446655440000',
    'id 12345678-1234-1234-1234-123456789012',
    'fixed in commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
    'due 2024-03-15T10:30:00Z, ticket TKT-4242',
    'ORD-4242424242424242 and /orders/4242424242424242 and 4242424242424242@example.com',
    'embedded x4242424242424242 and 42424242424242424242',
    'I forgot my password',
    'password reset link sent',
    'password: reset',
    'Password: ******',
    'password: <your password>',
    'password=${DB_PASSWORD}',
    'the password is wrong',
    'The password is Summer', // a plain word in prose is more likely English
    'password is case-sensitive',
    'password policy: 12 characters',
    'password field: required',
    'my token: see ticket',
    'api key: pending',
    'it is no secret: we ship on Friday',
    'The bearer of this letter is welcome',
    'pin: 1234',
    'https://user@example.com and https://example.com/a:b@c',
    'postgres://user:password@localhost/db',
    'const password = getPassword();',
    'the key is on the desk, the secret sauce is love',
  ];
  it.each(negatives)('finds nothing in %j', (text) => {
    expect(findSecrets(text)).toEqual([]);
  });
});

describe('maskSecrets', () => {
  it('replaces each secret with its kind and keeps a card’s last four digits', () => {
    expect(maskSecrets('card 4242-4242-4242-4242, password: "hunter 2"').text).toBe(
      'card [redacted card •••• 4242], password: "[redacted password]"',
    );
    expect(maskSecrets(`Authorization: Bearer ${OPAQUE_TOKEN}\nkey ${AWS_KEY}`).text).toBe(
      'Authorization: Bearer [redacted bearer-token]\nkey [redacted aws-access-key]',
    );
    expect(maskSecrets('redis://default:Xy7pQ2w9@cache:6379').text).toBe(
      'redis://default:[redacted url-credentials]@cache:6379',
    );
    expect(maskSecrets(`-- \n${PRIVATE_KEY}\n--`).text).toBe('-- \n[redacted private-key]\n--');
  });

  it('leaves text without secrets unchanged', () => {
    const text = 'Printer on floor 3 is jammed again, ticket TKT-1042, call +44 20 7946 0958.';
    expect(maskSecrets(text)).toEqual({ text, findings: [] });
  });
});

const SECRET_SAMPLES = [
  GITHUB_TOKEN,
  GITHUB_PAT,
  SLACK_TOKEN,
  `https://hooks.slack.com/services/${SLACK_WEBHOOK_PATH}`,
  STRIPE_KEY,
  STRIPE_WEBHOOK_SECRET,
  GOOGLE_KEY,
  AWS_KEY,
  OPSBOOK_TOKEN,
  JWT,
  PRIVATE_KEY,
  `Bearer ${OPAQUE_TOKEN}`,
  '4242 4242 4242 4242',
  '378282246310005',
  'https://u:pa55w0rd@h.example',
  'password: hunter2!',
  'api_key="abcDEF123ghiJKL456"',
];
const FRAGMENTS = [
  ' ',
  '\n',
  ': ',
  '=',
  '"',
  "'",
  '-',
  '@',
  'password',
  'token',
  'api key',
  'Bearer',
  'is',
  'reset',
  '4242',
  '1234',
  'ticket TKT-77',
  'café ☕',
  '😀',
];
const messyText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SECRET_SAMPLES),
      fc.constantFrom(...FRAGMENTS),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: fc.constantFrom(...'aZ09 -_:=@/."'), maxLength: 24 }),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

describe('properties', () => {
  it('returns in-range, ordered, non-overlapping findings', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        let previousEnd = 0;
        for (const f of findSecrets(text)) {
          expect(f.start).toBeGreaterThanOrEqual(previousEnd);
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(text.length);
          previousEnd = f.end;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never leaves a detected secret in the masked text', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const masked = maskSecrets(text);
        const original = new Set(masked.findings.map((f) => text.slice(f.start, f.end)));
        const left = findSecrets(masked.text).map((f) => masked.text.slice(f.start, f.end));
        expect(left.filter((v) => original.has(v))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const once = maskSecrets(text).text;
        expect(maskSecrets(once).text).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  const CARD_PREFIXES: [string, number][] = [
    ['4', 16],
    ['4', 13],
    ['51', 16],
    ['55', 16],
    ['2221', 16],
    ['2720', 16],
    ['34', 15],
    ['37', 15],
    ['6011', 16],
    ['65', 16],
    ['3530', 16],
    ['36', 14],
  ];
  const validCard = fc
    .tuple(
      fc.constantFrom(...CARD_PREFIXES),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
      fc.constantFrom('', ' ', '-'),
    )
    .map(([[prefix, length], random, separator]) => {
      const body = (prefix + random.join('')).slice(0, length - 1);
      const digits = body + luhnCheckDigit(body);
      if (separator === '' || length !== 16) return digits;
      return (digits.match(/.{4}/g) ?? []).join(separator);
    });
  const prose = fc
    .array(
      fc.constantFrom(
        'Hi',
        'please',
        'charge',
        'my',
        'card,',
        'thanks!',
        'café',
        '日本語',
        '🚀',
        '—',
        '(',
        ')',
      ),
      {
        maxLength: 12,
      },
    )
    .map((words) => words.join(' '));

  it('always finds a valid card with a known prefix embedded in prose', () => {
    fc.assert(
      fc.property(prose, validCard, prose, (before, card, after) => {
        const text = `${before} ${card} ${after}`;
        const start = before.length + 1;
        expect(findSecrets(text)).toEqual([{ kind: 'card-number', start, end: start + card.length }]);
      }),
      { numRuns: 1000 },
    );
  });
});

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

describe('linear time on adversarial input', () => {
  const MB = 1_000_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const inputs: [string, string][] = [
    ['digit groups', fill('1 ')],
    ['dashed digit groups', fill('4242-')],
    ['digits then a letter', fill('1 ') + 'x'],
    ['JWT headers', fill('eyJ')],
    ['JWT fragments', fill('eyJabcdefg.')],
    ['dotted identifier', fill('a.') + 'password'],
    ['labels without values', fill('password:')],
    ['unterminated quotes', fill('password: "' + 'ab '.repeat(100))],
    ['prose labels', fill('the password is ')],
    ['bearer words', fill('Bearer ')],
    ['one long bearer token', 'Bearer ' + fill('a')],
    ['PEM headers', fill('-----BEGIN PRIVATE KEY-----')],
    ['URL userinfo', fill('https://u:')],
    ['URL at-signs', 'x://u:' + fill('@')],
    ['token prefixes', fill('ghp_sk_live_AKIAxoxb-')],
    ['one long word', fill('a')],
    ['unicode', fill('日本語 🚀 café ')],
  ];
  it.each(inputs)('scans 1 MB of %s quickly', (_name, text) => {
    const ms = elapsedMs(() => maskSecrets(text));
    expect(ms).toBeLessThan(2_000);
  });
});

function elapsedMs(run: () => unknown): number {
  // eslint-disable-next-line no-restricted-syntax -- measuring the scanner's speed, not deciding on time
  const started = performance.now();
  run();
  // eslint-disable-next-line no-restricted-syntax -- as above
  return performance.now() - started;
}

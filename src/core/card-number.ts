/**
 * Card numbers in free text, for the secret scanner (secret-scan.ts): runs of ASCII digits joined by
 * single spaces or dashes, grouped by a hand-written scan (linear time), accepted when the digits pass the
 * Luhn check and start with a known issuer's prefix and length, and refused when the run is part of a
 * longer identifier (`ORD-4111…`, `/orders/4111…`).
 */
import type { Candidate } from './secret-scan.js';

/** Letters, digits and marks outside ASCII; a card's digit groups must each be a whole run of these. */
const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/uy;
/** A digit run glued to a word by one of these is part of an identifier (`ORD-4111…`, `/orders/4111…`). */
const JOINERS = new Set(['-', '.', '_', '/', '@']);

interface DigitGroup {
  readonly start: number;
  readonly end: number;
  /** The single character between this group and the previous one in its chain. */
  readonly sepBefore: string;
}

/** The UTF-16 length of the word character at `i`, or 0 when it is not one. */
function wordCharLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) ? 1 : 0;
  NON_ASCII_WORD.lastIndex = i;
  return NON_ASCII_WORD.test(text) ? NON_ASCII_WORD.lastIndex - i : 0;
}

/** Card numbers: runs of ASCII digits joined by single spaces or dashes, grouped by a hand-written scan. */
export function findCardNumbers(text: string, out: Candidate[]): void {
  let chain: DigitGroup[] = [];
  let leadEmbedded = false;
  let prevEnd = -2;
  for (let i = 0; i < text.length;) {
    if (wordCharLength(text, i) === 0) {
      i++;
      continue;
    }
    const start = i;
    let isDigits = true;
    for (let width = wordCharLength(text, i); width > 0; width = wordCharLength(text, i)) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) isDigits = false;
      i += width;
    }
    const gap = text[start - 1] ?? '';
    const glued = prevEnd === start - 1;
    if (isDigits && chain.length > 0 && glued && (gap === ' ' || gap === '-')) {
      chain.push({ start, end: i, sepBefore: gap });
      // Settle long chains as they grow, keeping only the groups a later card could still start from.
      if (chain.length >= 256) chain = chain.slice(cardsInChain(text, chain, leadEmbedded, undefined, out));
    } else {
      if (chain.length > 0) cardsInChain(text, chain, leadEmbedded, glued && JOINERS.has(gap), out);
      chain = isDigits ? [{ start, end: i, sepBefore: '' }] : [];
      leadEmbedded = glued && JOINERS.has(gap);
    }
    prevEnd = i;
  }
  if (chain.length > 0) cardsInChain(text, chain, leadEmbedded, false, out);
}

/** A card spans at most 19 groups, so a card starting this far from a chain's end is decided. */
const MAX_CARD_GROUPS = 20;

/**
 * Picks, left to right, the longest valid card in a chain; grouped cards start with 4 digits. With
 * `trailEmbedded` undefined the chain is still growing: it stops where later groups could matter and
 * returns the index of the first group not yet decided.
 */
function cardsInChain(
  text: string,
  chain: readonly DigitGroup[],
  leadEmbedded: boolean,
  trailEmbedded: boolean | undefined,
  out: Candidate[],
): number {
  let i = 0;
  while (i < chain.length && (trailEmbedded !== undefined || i + MAX_CARD_GROUPS < chain.length)) {
    const first = chain[i]!;
    const openBefore = first.sepBefore === '' ? !leadEmbedded : first.sepBefore === ' ';
    let best = -1;
    let digits = '';
    for (let j = i; openBefore && j < chain.length; j++) {
      const group = chain[j]!;
      const size = group.end - group.start;
      if (j > i && (group.sepBefore !== chain[i + 1]!.sepBefore || first.end - first.start !== 4)) break;
      if (j > i && (size < 3 || size > 6)) break;
      digits += text.slice(group.start, group.end);
      if (digits.length > 19) break;
      const next = chain[j + 1];
      const openAfter = next === undefined ? trailEmbedded === false : next.sepBefore === ' ';
      if (openAfter && isCardNumber(digits)) best = j;
    }
    if (best < 0) {
      i++;
      continue;
    }
    out.push({ kind: 'card-number', start: first.start, end: chain[best]!.end, rank: 0 });
    i = best + 1;
  }
  return i;
}

/** Luhn-valid, with an issuer prefix whose scheme issues that length. */
function isCardNumber(digits: string): boolean {
  return /^[0-9]{13,19}$/.test(digits) && hasKnownIssuer(digits) && passesLuhn(digits);
}

function hasKnownIssuer(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  const visa = d.startsWith('4') && (n === 13 || n === 16 || n === 19);
  const mastercard = ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16;
  const amex = (p2 === 34 || p2 === 37) && n === 15;
  const longCard = n >= 16;
  const discover =
    (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) && longCard;
  const jcb = p4 >= 3528 && p4 <= 3589 && longCard;
  const diners = (p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095;
  const unionPayOrMir = (p2 === 62 || (p4 >= 2200 && p4 <= 2204)) && longCard;
  const rupay = (p2 === 60 || p2 === 81 || p2 === 82 || p3 === 508) && n === 16;
  const maestro = [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(p4);
  return (
    visa || mastercard || amex || discover || jcb || (diners && n >= 14) || unionPayOrMir || rupay || maestro
  );
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

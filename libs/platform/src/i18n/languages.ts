import Negotiator from 'negotiator';

/** The languages the API answers in; the first is the default (no or no usable Accept-Language). */
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'vi';

/**
 * The answer's language from an Accept-Language header (RFC 9110 §12.5.4): q-values and ranges as
 * `negotiator` reads them ("en-US" is English, "*" or nothing is Vietnamese); a header that names
 * none of ours gets the default rather than a 406, as the RFC allows.
 */
export function negotiateLanguage(acceptLanguage: string | readonly string[] | undefined): Language {
  if (acceptLanguage === undefined) return DEFAULT_LANGUAGE;
  const header = typeof acceptLanguage === 'string' ? acceptLanguage : acceptLanguage.join(', ');
  const chosen = new Negotiator({ headers: { 'accept-language': header } }).language([...LANGUAGES]);
  return isLanguage(chosen) ? chosen : DEFAULT_LANGUAGE;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

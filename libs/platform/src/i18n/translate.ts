import i18next, { type i18n } from 'i18next';
import { DEFAULT_LANGUAGE, type Language } from './languages.js';
import { en, type MessageKey } from './messages.en.js';
import { vi } from './messages.vi.js';

export type { MessageKey } from './messages.en.js';
export type MessageParams = Readonly<Record<string, string | number>>;

/** One i18next instance for the API's catalogue (the dashboard has its own, web/src/i18n.ts). */
const catalogue: i18n = i18next.createInstance();
void catalogue.init({
  // Synchronous: the resources are in memory, and an answer must not wait for the catalogue.
  initAsync: false,
  lng: DEFAULT_LANGUAGE,
  fallbackLng: false,
  resources: { vi: { translation: vi }, en: { translation: en } },
  // Keys are flat ('problem.title.404'), and the texts are JSON, not HTML.
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The catalogue's text for the key in the language, placeholders filled in. */
export function translate(language: Language, key: MessageKey, params: MessageParams = {}): string {
  return catalogue.t(key, { ...params, lng: language });
}

/** Whether the catalogue has the key (problem details exist for the codes it knows). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

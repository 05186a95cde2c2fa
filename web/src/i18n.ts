import i18next, { type TFunction } from 'i18next';
import en from './locales/en.json';
import vi from './locales/vi.json';

export type Language = 'vi' | 'en';
const STORAGE_KEY = 'coord.language';

/** Keys asked for that neither language has: the e2e run fails when this is not empty. */
export const missingKeys: string[] = [];

function remembered(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** Vietnamese by default; English when chosen (remembered in this browser). */
export async function startI18n(): Promise<TFunction> {
  const t = await i18next.init({
    lng: remembered(),
    fallbackLng: false,
    resources: { vi: { translation: vi }, en: { translation: en } },
    interpolation: { escapeValue: false },
    saveMissing: true,
    missingKeyHandler: (_languages, _namespace, key) => {
      missingKeys.push(key);
    },
  });
  (window as unknown as { coordMissingKeys: string[] }).coordMissingKeys = missingKeys;
  document.documentElement.lang = i18next.language;
  return t;
}

export async function switchLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // A browser that keeps nothing still switches, for this page.
  }
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export const language = (): Language => (i18next.language === 'en' ? 'en' : 'vi');
export const t: TFunction = ((...args: Parameters<TFunction>) => i18next.t(...args)) as TFunction;

// The language the UI speaks, switchable at run time. Screens call `t(key)` in
// their markup; the call reads `locale.lang`, so every string re-renders when
// the language changes, and nothing a person typed is touched.
import type { ErrorCode, PasswordRule } from "./bindings";
import { en, enErrors, enRules, type Key } from "./locales/en";
import { hi, hiErrors, hiRules } from "./locales/hi";

export type Lang = "en" | "hi";
export type { Key };

export const languages: { lang: Lang; name: string }[] = [
  { lang: "en", name: "English" },
  { lang: "hi", name: "हिन्दी" },
];

const tables: Record<Lang, { words: Record<Key, string>; errors: Record<ErrorCode, string>; rules: Record<PasswordRule, string> }> = {
  en: { words: en, errors: enErrors, rules: enRules },
  hi: { words: hi, errors: hiErrors, rules: hiRules },
};

const stored = "abha.lang";

function saved(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(stored);
    return value === "hi" || value === "en" ? value : "en";
  } catch {
    return "en";
  }
}

export const locale = $state({ lang: saved() });

export function setLang(lang: Lang) {
  locale.lang = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(stored, lang);
  } catch {
    // Private storage off: the choice lasts until the window closes.
  }
}

/** The words for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  return tables[locale.lang].words[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

export const errorText = (code: ErrorCode): string => tables[locale.lang].errors[code];
export const ruleText = (rule: PasswordRule): string => tables[locale.lang].rules[rule];
export const passwordRules = Object.keys(enRules) as PasswordRule[];

/** ABDM's one-letter gender, in words. */
export const genderText = (gender: string): string =>
  gender === "F" ? t("signup.female") : gender === "M" ? t("signup.male") : t("signup.other");

/** A moment (Unix seconds) as people in India write it, in the current language. */
export const dateTime = (seconds: number): string =>
  new Date(seconds * 1000).toLocaleString(locale.lang === "hi" ? "hi-IN" : "en-IN");

// The language the UI speaks, switchable at run time. Screens call `t(key)` in
// their markup; the call reads `locale.lang`, so every string re-renders when
// the language changes, and nothing a person typed is touched.
import type { ErrorCode, PasswordRule } from "./bindings";
import { en, enErrors, enRules, type Key } from "./locales/en";

export type Lang = "en" | "hi";
export type { Key };

export const languages: { lang: Lang; name: string }[] = [
  { lang: "en", name: "English" },
  { lang: "hi", name: "हिन्दी" },
];

type Table = { words: Record<Key, string>; errors: Record<ErrorCode, string>; rules: Record<PasswordRule, string> };

// Hindi is loaded the first time it is chosen (or at start, when it was chosen last
// time): most windows never need it, and the first screen's page is smaller without it.
const tables: { en: Table; hi?: Table } = { en: { words: en, errors: enErrors, rules: enRules } };

async function load(lang: Lang) {
  if (lang === "hi" && !tables.hi) {
    const { hi, hiErrors, hiRules } = await import("./locales/hi");
    tables.hi = { words: hi, errors: hiErrors, rules: hiRules };
  }
}

const stored = "abha.lang";

/** The language chosen last time, or English. */
export function savedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(stored);
    return value === "hi" || value === "en" ? value : "en";
  } catch {
    return "en";
  }
}

// Always a language whose table is loaded.
export const locale = $state<{ lang: Lang }>({ lang: "en" });
let chosen = 0;

/** Speak `lang` from now on; quick changes of mind end on the last one chosen. */
export async function setLang(lang: Lang) {
  const choice = ++chosen;
  await load(lang);
  if (choice !== chosen) return;
  locale.lang = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(stored, lang);
  } catch {
    // Private storage off: the choice lasts until the window closes.
  }
}

const current = (): Table => tables[locale.lang] ?? tables.en;

/** The words for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  return current().words[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

export const errorText = (code: ErrorCode): string => current().errors[code];
export const ruleText = (rule: PasswordRule): string => current().rules[rule];
export const passwordRules = Object.keys(enRules) as PasswordRule[];

/** ABDM's one-letter gender, in words. */
export const genderText = (gender: string): string =>
  gender === "F" ? t("signup.female") : gender === "M" ? t("signup.male") : t("signup.other");

/** A moment (Unix seconds) as people in India write it, in the current language. */
export const dateTime = (seconds: number): string =>
  new Date(seconds * 1000).toLocaleString(locale.lang === "hi" ? "hi-IN" : "en-IN");

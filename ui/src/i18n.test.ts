import { afterEach, describe, expect, it, vi } from "vitest";
import { locale, savedLang, setLang, t } from "./i18n.svelte";
import { en, enErrors, enRules } from "./locales/en";
import { hi, hiErrors, hiRules } from "./locales/hi";

afterEach(() => setLang("en"));

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const devanagari = /[\u0900-\u097F]/;

describe("the Hindi tables", () => {
  it("fill the same placeholders as the English ones", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(hi[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("are written in Devanagari, not left in English", () => {
    const untranslated = ["mode.abdm-production"]; // "ABDM" is a name in both languages
    for (const [key, words] of Object.entries(hi)) {
      if (!untranslated.includes(key)) expect(devanagari.test(words), key).toBe(true);
    }
    for (const table of [hiErrors, hiRules]) {
      for (const [key, words] of Object.entries(table)) expect(devanagari.test(words), key).toBe(true);
    }
    expect(Object.keys(hiErrors).sort()).toEqual(Object.keys(enErrors).sort());
    expect(Object.keys(hiRules).sort()).toEqual(Object.keys(enRules).sort());
  });
});

describe("t", () => {
  it("fills placeholders and follows the chosen language", async () => {
    expect(t("home.welcome", { name: "Asha" })).toBe("Welcome, Asha");
    await setLang("hi");
    expect(t("home.welcome", { name: "Asha" })).toBe("स्वागत है, Asha");
    expect(document.documentElement.lang).toBe("hi");
  });

  it("remembers the choice for the next start", async () => {
    await setLang("hi");
    expect(localStorage.getItem("abha.lang")).toBe("hi");
    expect(savedLang()).toBe("hi");
    expect(locale.lang).toBe("hi");
  });

  it("ends on the last language chosen when Hindi is still loading", async () => {
    // A fresh copy of the module, which has not loaded Hindi yet.
    vi.resetModules();
    const fresh = await import("./i18n.svelte");
    const hindi = fresh.setLang("hi");
    const english = fresh.setLang("en");
    await Promise.all([hindi, english]);
    expect(fresh.locale.lang).toBe("en");
    expect(fresh.t("home.welcome", { name: "Asha" })).toBe("Welcome, Asha");
    expect(localStorage.getItem("abha.lang")).toBe("en");
  });
});

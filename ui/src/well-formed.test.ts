import { describe, expect, it, vi } from "vitest";
import { sendOnlyWellFormedText, wellFormed } from "./well-formed";

describe("wellFormed", () => {
  it("replaces lone surrogates and keeps whole emoji, Devanagari and everything else", () => {
    expect(wellFormed("Meera \uD83D")).toBe("Meera \uFFFD");
    expect(wellFormed("\uDE00x")).toBe("\uFFFDx");
    expect(wellFormed("a\uDE00\uD83D")).toBe("a\uFFFD\uFFFD");
    expect(wellFormed("Meera 😀 मीरा ९८७")).toBe("Meera 😀 मीरा ९८७");
    expect(wellFormed(null)).toBe(null);
    expect(wellFormed(42)).toBe(42);
  });

  it("reaches strings inside forms and lists", () => {
    const form = { firstName: "Mee\uD83Dra", middleName: null, tags: ["\uDC00"], nested: { line: "ok" } };
    expect(wellFormed(form)).toEqual({ firstName: "Mee\uFFFDra", middleName: null, tags: ["\uFFFD"], nested: { line: "ok" } });
    expect(JSON.stringify(wellFormed(form))).not.toMatch(/\\ud[89a-f]/i);
  });
});

describe("sendOnlyWellFormedText", () => {
  it("cleans the arguments of every call through Tauri's invoke", async () => {
    const invoke = vi.fn(async (_cmd: string, args?: unknown) => args);
    const internals = { invoke };
    sendOnlyWellFormedText(internals);
    await expect(internals.invoke("login_by_contact", { contact: "98765\uD83D" })).resolves.toEqual({
      contact: "98765\uFFFD",
    });
    expect(invoke).toHaveBeenCalledWith("login_by_contact", { contact: "98765\uFFFD" }, undefined);
  });
});

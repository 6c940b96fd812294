import { describe, expect, it } from "vitest";
import { commands, type ProfileForm_Deserialize } from "./bindings";
import { mockCommands } from "./test-ipc";
import { wellFormed } from "./well-formed";

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

describe("the bindings", () => {
  it("send every command's text well formed, through Tauri's invoke", async () => {
    const calls = mockCommands({ login_by_contact: () => ({ flowId: "f", sentTo: "******3210" }) });
    await commands.loginByContact("98765\uD83D43210");
    await commands.signupProfile("f", { firstName: "Mee\uDC00ra" } as ProfileForm_Deserialize);
    expect(calls.map((c) => c.args)).toEqual([
      { contact: "98765\uFFFD43210" },
      { flowId: "f", form: { firstName: "Mee\uFFFDra" } },
    ]);
  });
});

// Keyboard only, then Hindi: a person who cannot use a mouse logs in with Tab,
// typing and Enter, and focus follows each step; then the whole window switches
// to Hindi and back while what was typed stays.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, otpFor } = app;

const focused = () =>
  app.browser.execute(() => {
    const el = document.activeElement;
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    return { id: el.id, tag: el.tagName, name: (label?.textContent || el.closest("label")?.textContent || el.textContent || "").trim() };
  });
const press = (...keys) => app.browser.keys(keys);
// One key per call: in one sequence WebKit's driver merges a repeated key ("22").
const type = async (text) => {
  for (const key of text) await app.browser.keys(key);
};

async function tabTo(id, limit = 15) {
  for (let i = 0; i < limit; i++) {
    await press("Tab");
    const now = await focused();
    assert.ok(now.name.length > 0, `focus stop ${i + 1} (${now.tag}#${now.id}) has no name a screen reader could read`);
    if (now.id === id) return;
  }
  assert.fail(`#${id} not reached with ${limit} Tabs`);
}

test("log in with the keyboard alone; focus moves to each new step", async () => {
  await (await $("#login-contact")).waitForDisplayed({ timeout: 10_000 });
  await tabTo("login-contact");
  await type("9876543210");
  await press("Enter");

  await app.browser.waitUntil(async () => (await focused()).id === "login-otp", {
    timeout: 10_000,
    timeoutMsg: "focus did not move to the OTP field",
  });
  const otp = await otpFor("******3210");
  await type(otp);
  assert.equal(await (await $("#login-otp")).getValue(), otp, "every key reached the OTP field");
  await press("Enter");

  await app.browser.waitUntil(async () => (await focused()).id === "chooser-title", {
    timeout: 10_000,
    timeoutMsg: "focus did not move to the address chooser",
  });
  await press("Tab");
  assert.match((await focused()).name, /@sbx$/, "the first choice is an address");
  await press("Enter");

  // The consent, when this person has not given it on this computer yet.
  await app.browser.waitUntil(async () => ["consent-title", ""].includes((await focused()).id) || (await $("#home-title").isExisting()), {
    timeout: 10_000,
  });
  if ((await focused()).id === "consent-title") {
    await press("Tab");
    assert.equal((await focused()).id, "consent-agree");
    await press("Enter");
  }
  await app.home("Asha Verma");
  await tabTo("logout", 40);
  await press("Enter");
  await (await $("#login-contact")).waitForDisplayed({ timeout: 10_000 });
});

test("the window switches to Hindi and back at run time, keeping what was typed", async () => {
  const contact = await $("#login-contact");
  await contact.setValue("98765");
  await (await $("button=हिन्दी")).click();
  await (await $("h2=लॉग इन")).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await app.browser.execute(() => document.documentElement.lang), "hi");
  assert.match(await (await $("#app-info")).getText(), /संस्करण .* डेमो मोड/);
  assert.match(await (await $("#demo-banner")).getText(), /डेमो मोड/);
  assert.equal(await contact.getValue(), "98765", "what was typed stays");
  // Devanagari drawn with the bundled font, not as boxes.
  const faces = await app.browser.execute(async () => (await document.fonts.load('16px "Noto Sans Devanagari"', "लॉग इन")).length);
  assert.ok(faces > 0, "the bundled Devanagari font is loaded");
  const buttonFont = await app.browser.execute(() => getComputedStyle(document.querySelector("button")).fontFamily);
  assert.match(buttonFont, /Noto Sans Devanagari/, "buttons use it too");
  await saveScreenshot(app.browser, "hindi");

  await (await $("button=English")).click();
  await (await $("h2=Log in")).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await contact.getValue(), "98765");
});

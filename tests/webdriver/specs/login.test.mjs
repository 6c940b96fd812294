// A person logs in by mobile in demo mode as they would: types the number, reads
// the OTP off the demo phone, picks one of the linked addresses, lands on home,
// and logs out. Also a wrong OTP first, which must say so and keep the entry.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchApp, saveScreenshot } from "../app.mjs";

let app;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.stop();
});

async function typeInto(selector, text) {
  const input = await app.browser.$(selector);
  await input.waitForDisplayed({ timeout: 10_000 });
  await input.setValue(text);
  return input;
}

async function clickButton(text) {
  const button = await app.browser.$(`button=${text}`);
  await button.waitForClickable({ timeout: 10_000 });
  await button.click();
}

/** The OTP the demo phone shows for `to` (masked), as a person would read it. */
async function otpFromDemoPhone(to) {
  const message = await app.browser.$(`#demo-phone li[data-to="${to}"] .otp`);
  await message.waitForExist({ timeout: 10_000, timeoutMsg: `no OTP for ${to} on the demo phone` });
  return message.getText();
}

test("log in by mobile with the OTP from the demo phone, choose an address, log out", async () => {
  await typeInto("#login-contact", "9876543210");
  await clickButton("Continue");

  const right = await otpFromDemoPhone("******3210");
  assert.match(right, /^\d{6}$/);
  assert.match(await (await app.browser.$("[role=timer]")).getText(), /Valid for (10:00|9:\d\d)/);
  const wrong = right === "000000" ? "111111" : "000000";
  const otp = await typeInto("#login-otp", wrong);
  await clickButton("Verify");
  const alert = await app.browser.$("[role=alert]");
  await alert.waitForDisplayed({ timeout: 10_000 });
  assert.match(await alert.getText(), /not right/);
  assert.equal(await otp.getValue(), wrong, "what was typed stays");
  await saveScreenshot(app.browser, "login-wrong-otp");

  await otp.setValue(right);
  await clickButton("Verify");
  await clickButton("ashav.pune@sbx");

  const title = await app.browser.$("#home-title");
  await title.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await title.getText(), "Welcome, Asha Verma");
  assert.equal(await (await app.browser.$("#active-address")).getText(), "ashav.pune@sbx");
  await saveScreenshot(app.browser, "home");

  await clickButton("Log out");
  await (await app.browser.$("#login-contact")).waitForDisplayed({ timeout: 10_000 });
});

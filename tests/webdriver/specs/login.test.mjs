// A person logs in by mobile in demo mode as they would: types the number, reads
// the OTP off the demo phone, picks one of the linked addresses, lands on home,
// and logs out. Also a wrong OTP first, which must say so and keep the entry.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, typeInto, clickButton, otpFor } = app;

test("log in by mobile with the OTP from the demo phone, choose an address, log out", async () => {
  await typeInto("#login-contact", "9876543210");
  await clickButton("Continue");

  const right = await otpFor("******3210");
  assert.match(right, /^\d{6}$/);
  assert.match(await (await $("[role=timer]")).getText(), /Valid for (10:00|9:\d\d)/);
  const wrong = right === "000000" ? "111111" : "000000";
  const otp = await typeInto("#login-otp", wrong);
  await clickButton("Verify");
  const alert = await $("[role=alert]");
  await alert.waitForDisplayed({ timeout: 10_000 });
  assert.match(await alert.getText(), /not right/);
  assert.equal(await otp.getValue(), wrong, "what was typed stays");
  await saveScreenshot(app.browser, "login-wrong-otp");

  await otp.setValue(right);
  await clickButton("Verify");
  await clickButton("ashav.pune@sbx");

  await app.home("Asha Verma");
  assert.equal(await (await $("#active-address")).getText(), "ashav.pune@sbx");
  await saveScreenshot(app.browser, "home");

  await app.logOut();
});

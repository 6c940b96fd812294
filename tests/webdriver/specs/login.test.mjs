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

test("a login OTP that did not come can be sent again after a minute", async () => {
  await typeInto("#login-contact", "ravi.kumar@example.in");
  await clickButton("Continue");
  const first = await otpFor("r***@example.in");
  const resend = await $("button*=Resend OTP");
  assert.match(await resend.getText(), /^Resend OTP in \d+ s$/);
  assert.ok(!(await resend.isEnabled()), "not before a minute");

  await resend.waitForEnabled({ timeout: 65_000, timeoutMsg: "Resend OTP never became available" });
  assert.equal(await resend.getText(), "Resend OTP");
  await resend.click();
  const status = await $("p*=We sent a new OTP");
  await status.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await status.getText(), "We sent a new OTP to r***@example.in.");
  const second = await otpFor("r***@example.in");
  assert.notEqual(second, first, "a new OTP came");

  await typeInto("#login-otp", second);
  await clickButton("Verify");
  await clickButton("ravi.kumar@sbx");
  await app.home("Ravi Kumar");
  await app.logOut();
});

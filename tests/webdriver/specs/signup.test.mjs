// Sign-up by mobile in demo mode, as a person would do it: OTP from the demo
// phone, the profile form with the agreement, a suggestion checked for
// availability, a password against the live checklist, the congratulations
// screen, then home.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, typeInto, clickButton, otpFor, pick } = app;

test("sign up by mobile: OTP, profile, suggestion, password, congratulations", async () => {
  await clickButton("Create ABHA address");
  await typeInto("#signup-contact", "9822001122");
  await clickButton("Continue");

  const otp = await $('#demo-phone li[data-to="******1122"] .otp');
  await otp.waitForExist({ timeout: 10_000, timeoutMsg: "no OTP on the demo phone" });
  const resend = await $("button*=Resend OTP in");
  assert.ok(!(await resend.isEnabled()), "resend waits 60 s");
  await typeInto("#signup-otp", await otp.getText());
  await clickButton("Verify");

  await typeInto("#p-first", "Kavya");
  await typeInto("#p-last", "Iyer");
  await (await $("#p-gender")).selectByAttribute("value", "F");
  await typeInto("#p-year", "1993");
  await typeInto("#p-address", "9 Temple Street");
  await pick("#p-state", "TAMIL NADU");
  await pick("#p-district", "CHENNAI");
  await typeInto("#p-pincode", "600004");
  const next = await $("button=Continue");
  assert.ok(!(await next.isEnabled()), "the agreement comes first");
  await (await $(".agree input")).click();
  await saveScreenshot(app.browser, "signup-profile");
  await next.click();

  const suggestion = await $(".suggestions button");
  await suggestion.waitForClickable({ timeout: 10_000 });
  const chosen = await suggestion.getText();
  await suggestion.click();
  const availability = await $("#availability");
  await availability.waitUntil(async function () {
    return (await this.getText()) === "Available";
  }, { timeout: 10_000, timeoutMsg: "the suggestion was not shown as available" });

  await (await $("label*=Also set a password")).click();
  await typeInto("#new-password", "Pun3#Rains");
  await (await $('.rules li[data-met="false"]')).waitForExist({ reverse: true, timeout: 10_000 });
  await typeInto("#confirm-password", "Pun3#Rains");
  await saveScreenshot(app.browser, "signup-address");
  await clickButton("Create");

  const done = await $("#congratulations");
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.match(await done.getText(), new RegExp(`${chosen.replace(".", "\\.")}@sbx`));
  await saveScreenshot(app.browser, "signup-congratulations");
  await clickButton("Continue");
  await app.home("Kavya Iyer");
  await app.logOut();
});

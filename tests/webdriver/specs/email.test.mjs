// Email journeys in demo mode: sign up with an email address (the OTP arrives by
// "email" on the demo phone), then log out and log back in with the same email.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, typeInto, clickButton, otpFor, pick } = app;
const email = "kavya.iyer@example.in";
const shown = "k***@example.in";

test("sign up by email: OTP by email, profile with state and district, address, congratulations", async () => {
  await clickButton("Create ABHA address");
  await typeInto("#signup-contact", email);
  await clickButton("Continue");
  assert.match(await (await $("p*=We sent an OTP")).getText(), /k\*\*\*@example\.in/, "the email is shown masked");
  await typeInto("#signup-otp", await otpFor(shown));
  await clickButton("Verify");

  await typeInto("#p-first", "Kavya");
  await (await $("#p-gender")).selectByAttribute("value", "F");
  await typeInto("#p-year", "1995");
  await typeInto("#p-address", "12 Lake Road");
  await pick("#p-state", "MAHARASHTRA");
  await pick("#p-district", "PUNE");
  await typeInto("#p-pincode", "411004");
  await (await $(".agree input")).click();
  await clickButton("Continue");

  await typeInto("#new-address", "kavya.mail");
  const availability = await $("#availability");
  await availability.waitUntil(async function () {
    return (await this.getText()) === "Available";
  }, { timeout: 10_000, timeoutMsg: "kavya.mail was not shown as available" });
  await clickButton("Create");
  const done = await $("#congratulations");
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.match(await done.getText(), /kavya\.mail@sbx/);
  await clickButton("Continue");
  await app.home("Kavya");
  assert.match(await (await $("#profile-card")).getText(), /k\*\*\*@example\.in/);
  await app.logOut();
});

test("log in by email with the OTP sent to it", async () => {
  await typeInto("#login-contact", email);
  await clickButton("Continue");
  await typeInto("#login-otp", await otpFor(shown));
  await clickButton("Verify");
  // One address on the email: ABDM's chooser still lists it.
  await clickButton("kavya.mail@sbx");
  await app.home("Kavya");
  assert.equal(await (await $("#active-address")).getText(), "kavya.mail@sbx");
  await saveScreenshot(app.browser, "login-by-email");
  await app.logOut();
});

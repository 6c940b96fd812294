// The same people, the same demo, with the app speaking ABDM's PHR v3 API
// (`abdm.api = "v3"`): a mobile login through the chooser (v3's T-token), a
// password login by ABHA address, and a sign-up by mobile (v3's enrolment,
// the profile sent with the new address), each to home and out again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs } from "../app.mjs";

const app = appForSpecs({ env: { ABHA_API: "v3" } });
const { $, typeInto, clickButton, otpFor, pick } = app;

test("v3: log in by mobile, choose an address, log out", async () => {
  await typeInto("#login-contact", "9876543210");
  await clickButton("Continue");
  await typeInto("#login-otp", await otpFor("******3210"));
  await clickButton("Verify");
  await clickButton("asha.verma@sbx");
  await app.home("Asha Verma");
  assert.equal(await (await $("#active-address")).getText(), "asha.verma@sbx");
  await app.logOut();
});

test("v3: log in by ABHA address and password", async () => {
  const option = await $("label*=With ABHA address");
  await option.waitForClickable({ timeout: 10_000 });
  await option.click();
  await typeInto("#login-address", "ravi.kumar@sbx");
  await clickButton("Continue");
  await typeInto("#login-password", "Ch3nnai#Sea");
  await clickButton("Log in with password");
  await app.home("Ravi Kumar");
  await app.logOut();
});

test("v3: sign up by mobile with a profile and a suggested address", async () => {
  await clickButton("Create ABHA address");
  await typeInto("#signup-contact", "9822001144");
  await clickButton("Continue");
  await typeInto("#signup-otp", await otpFor("******1144"));
  await clickButton("Verify");

  await typeInto("#p-first", "Farah");
  await typeInto("#p-last", "Khan");
  await (await $("#p-gender")).selectByAttribute("value", "F");
  await typeInto("#p-year", "1991");
  await typeInto("#p-address", "4 Lake Road");
  await pick("#p-state", "TAMIL NADU");
  await pick("#p-district", "CHENNAI");
  await typeInto("#p-pincode", "600004");
  await (await $(".agree input")).click();
  await clickButton("Continue");

  const suggestion = await $(".suggestions button");
  await suggestion.waitForClickable({ timeout: 10_000 });
  const chosen = await suggestion.getText();
  assert.match(chosen, /farah/);
  await suggestion.click();
  await (await $("#availability")).waitUntil(async function () {
    return (await this.getText()) === "Available";
  }, { timeout: 10_000, timeoutMsg: "the suggestion was not shown as available" });
  await clickButton("Create");
  const done = await $("#congratulations");
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.match(await done.getText(), new RegExp(`${chosen.replace(".", "\\.")}@sbx`));
  await clickButton("Continue");
  await app.home("Farah Khan");
  await app.logOut();
});

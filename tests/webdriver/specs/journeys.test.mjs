// More journeys in the real app, demo mode, each ending logged out: login by
// ABHA address with its password, by ABHA number and year of birth, sign-up by
// ABHA number with the KYC profile, and the address limit of a mobile.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, typeInto, clickButton, otpFor } = app;

async function choose(label) {
  const option = await $(`label*=${label}`);
  await option.waitForClickable({ timeout: 10_000 });
  await option.click();
}

const homeOf = (name) => app.home(name);

const logOut = () => app.logOut();

test("log in by ABHA address with its password", async () => {
  await choose("With ABHA address");
  await typeInto("#login-address", "ravi.kumar@sbx");
  await clickButton("Continue");
  await typeInto("#login-password", "Ch3nnai#Sea");
  await clickButton("Log in with password");
  await homeOf("Ravi Kumar");
  await logOut();
});

test("log in by ABHA number and year of birth, then pick the default address", async () => {
  await choose("With ABHA number");
  await typeInto("#login-number", "91-1111-2222-3333");
  await typeInto("#login-year", "1990");
  await clickButton("Continue");
  await typeInto("#login-otp", await otpFor("******6780"));
  await clickButton("Verify");
  await clickButton("91111122223333@sbx");
  await homeOf("Meera Devi Nair");
  assert.equal(await (await $(".badge[data-kyc=true]")).getText(), "KYC verified");
  await logOut();
});

test("sign up by ABHA number: the KYC profile is shown verified, then a new address", async () => {
  await clickButton("Create ABHA address");
  await choose("With ABHA number");
  await typeInto("#signup-number", "91-4444-5555-6666");
  await clickButton("Continue");
  await choose("Aadhaar-linked mobile");
  await clickButton("Send OTP");
  await typeInto("#signup-otp", await otpFor("******6655"));
  await clickButton("Verify");
  const kyc = await $("#kyc-profile");
  await kyc.waitForDisplayed({ timeout: 10_000 });
  assert.match(await kyc.getText(), /Arjun Singh\s+KYC verified/);
  await saveScreenshot(app.browser, "signup-kyc");
  await (await $(".agree input")).click();
  await clickButton("Continue");
  await (await $(".suggestions button")).click();
  await (await $("#availability")).waitUntil(async function () {
    return (await this.getText()) === "Available";
  }, { timeout: 10_000 });
  await clickButton("Create");
  await (await $("#congratulations")).waitForDisplayed({ timeout: 10_000 });
  await clickButton("Continue");
  await homeOf("Arjun Singh");
  await logOut();
});

test("a mobile with 4 addresses cannot get a fifth, and the screen says why", async () => {
  await choose("With mobile or email");
  await typeInto("#login-contact", "9000000004");
  await clickButton("Continue");
  await typeInto("#login-otp", await otpFor("******0004"));
  await clickButton("Verify");
  await clickButton("rohan.sharma@sbx");
  await homeOf("Rohan Sharma");
  await typeInto("#add-address", "rohan.clinic");
  await clickButton("Add");
  const alert = await $("[role=alert]");
  await alert.waitForDisplayed({ timeout: 10_000 });
  assert.match(await alert.getText(), /already has the most ABHA addresses allowed \(4\)/);
  assert.equal(await (await $("#add-address")).getValue(), "rohan.clinic", "what was typed stays");
  await saveScreenshot(app.browser, "address-limit");
  await logOut();
});

// The same person, the same demo, with the app speaking ABDM's PHR v3 API
// (`abdm.api = "v3"`): a mobile login through the chooser (v3's T-token), then
// a password login by ABHA address, each to home and out again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs } from "../app.mjs";

const app = appForSpecs({ env: { ABHA_API: "v3" } });
const { $, typeInto, clickButton, otpFor } = app;

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

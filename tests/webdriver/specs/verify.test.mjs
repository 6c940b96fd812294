// The clinic front desk verifies walk-in patients through the (embedded) ABDM
// gateway: by the OTP sent to the patient's phone, and by the patient approving
// in their ABHA app (played by the demo phone). The verified patient then shows
// in the desk's list with the time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs, priya, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, typeInto, clickButton, otpFor } = app;

async function frontDesk() {
  await app.staffAtDesk(priya);
  await (await $("#verify-address")).waitForDisplayed({ timeout: 10_000 });
}

async function verifiedCard() {
  const card = await $("#verified-card");
  await card.waitForDisplayed({ timeout: 15_000, timeoutMsg: "the patient was not shown as verified" });
  return card;
}

test("verify a patient by the OTP on their mobile; they join the desk's list", async () => {
  await frontDesk();
  await typeInto("#verify-address", "meera.nair@sbx");
  await (await $("#verify-purpose")).selectByAttribute("value", "KYC");
  await clickButton("Find ways to verify");
  await clickButton("OTP to the patient's mobile");
  await typeInto("#verify-otp", await otpFor("******6780"));
  await saveScreenshot(app.browser, "verify-otp");
  await clickButton("Verify");
  const card = await verifiedCard();
  const text = await card.getText();
  assert.match(text, /Meera Devi Nair/);
  assert.match(text, /XX-XXXX-XXXX-3333/, "numbers are masked");
  await saveScreenshot(app.browser, "verify-done");
  // The patient's ABHA card, from ABDM's answer: shown to print.
  await clickButton("ABHA card");
  const image = await card.$(".card-image");
  await image.waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(() => image.getProperty("naturalWidth").then((width) => width === 1011), {
    timeout: 10_000,
    timeoutMsg: "the patient's card did not decode",
  });

  await typeInto("#desk-search", "meera");
  await clickButton("Meera Devi Nair");
  assert.match(await (await $("#desk-profile")).getText(), /Verified /);
  await clickButton("Verify another patient");
});

test("a barcode scanner types the patient's ABHA card: the verification starts with the card's details", async () => {
  const box = await $("#verify-scan");
  await box.waitForDisplayed({ timeout: 10_000 });
  assert.ok(await box.isFocused(), "the scan box is ready for the scanner");
  // A scanner types like a keyboard and ends with Enter; first a scan read in part.
  await box.addValue('{"hidn":"91-1111-2222-3333","hid":"meera.nair@sbx","na');
  await app.browser.keys("Enter");
  const alert = await $("[role=alert]");
  await alert.waitForDisplayed({ timeout: 10_000 });
  assert.match(await alert.getText(), /not an ABHA QR code/);

  const card =
    '{"hidn":"91-1111-2222-3333","hid":"meera.nair@sbx","name":"Meera Devi Nair","gender":"F","dob":"14-01-1990",' +
    '"mobile":"9123456780","address":"12 MG Road","distlgd":"603","statelgd":"32","district_name":"ERNAKULAM","state_name":"KERALA"}';
  await box.addValue(card);
  await app.browser.keys("Enter");
  const read = await $("#verify-scanned");
  await read.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the scan did not start a verification" });
  assert.match(await read.getText(), /Meera Devi Nair.*XX-XXXX-XXXX-3333/);
  await clickButton("Check name, gender and date of birth");
  assert.equal(await (await $("#verify-name")).getValue(), "Meera Devi Nair");
  assert.equal(await (await $("#verify-dob")).getValue(), "1990-01-14");
  await saveScreenshot(app.browser, "verify-scanned");
  await clickButton("Verify");
  assert.match(await (await verifiedCard()).getText(), /Meera Devi Nair/);
  await clickButton("Verify another patient");
});

test("with ABDM unreachable a verification waits, and is sent on its own when ABDM is back", async () => {
  const outage = await $("#demo-outage");
  await outage.click();
  await typeInto("#verify-address", "meera.nair@sbx");
  await (await $("#verify-purpose")).selectByAttribute("value", "KYC");
  await clickButton("Find ways to verify");
  const kept = await $("#verify-waiting");
  await kept.waitForDisplayed({ timeout: 15_000, timeoutMsg: "the verification was not kept" });
  assert.match(await kept.getText(), /ABDM cannot be reached now/);
  await clickButton("Verify another patient");
  const item = await $('#waiting-list li[data-patient="meera.nair@sbx"]');
  await item.waitForDisplayed({ timeout: 10_000 });
  await saveScreenshot(app.browser, "verify-waiting");

  await outage.click();
  // The app tries every 10 seconds.
  const go = await item.$("button=Continue");
  await go.waitForDisplayed({ timeout: 30_000, timeoutMsg: "the waiting verification was not sent when ABDM came back" });
  await go.click();
  await clickButton("OTP to the patient's mobile");
  await typeInto("#verify-otp", await otpFor("******6780"));
  await clickButton("Verify");
  assert.match(await (await verifiedCard()).getText(), /Meera Devi Nair/);
  await clickButton("Verify another patient");
  assert.ok(!(await (await $("#waiting-list")).isExisting()), "nothing waits any more");
});

test("verify a patient who approves in their ABHA app (DIRECT)", async () => {
  await typeInto("#verify-address", "asha.verma@sbx");
  await (await $("#verify-purpose")).selectByAttribute("value", "KYC_AND_LINK");
  await clickButton("Find ways to verify");
  await clickButton("Ask the patient to approve in their ABHA app");
  await (await $("#verify-awaiting")).waitForDisplayed({ timeout: 10_000 });
  const request = await $('#demo-phone li[data-patient="asha.verma@sbx"]');
  await request.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the demo phone did not show the request" });
  await saveScreenshot(app.browser, "verify-direct-waiting");
  await (await request.$("button=Approve")).click();
  const card = await verifiedCard();
  const text = await card.getText();
  assert.match(text, /Asha Verma/);
  assert.match(text, /Records can be linked/);
  await clickButton("Verify another patient");
  await clickButton("My ABHA");
});

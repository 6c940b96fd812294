// Home in demo mode: the other address on the mobile offered, add a second
// address, log into it with one OTP, switch back without any, change the
// password, log out. The ABHA card: shown, saved as PNG and PDF.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { appForSpecs, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, typeInto, clickButton, otpFor } = app;

async function activeAddressBecomes(address) {
  const active = await $("#active-address");
  await active.waitUntil(async function () {
    return (await this.getText()) === address;
  }, { timeout: 10_000, timeoutMsg: `${address} did not become the address in use` });
}

test("add an address, log into it, switch back without an OTP, change the password", async () => {
  await app.logInAsAsha();
  await activeAddressBecomes("asha.verma@sbx");
  const qr = await $("#address-qr img");
  await qr.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await qr.getAttribute("alt"), "QR code of asha.verma@sbx");
  await app.browser.waitUntil(() => qr.getProperty("naturalWidth").then((width) => width > 0), {
    timeout: 10_000,
    timeoutMsg: "the QR code image did not decode",
  });

  // The mobile's chooser listed another address: offered here, not signed in yet.
  const other = await $("li*=ashav.pune@sbx");
  await other.waitForDisplayed({ timeout: 10_000 });
  assert.match(await other.getText(), /On the same mobile number or email/);
  assert.ok(await (await other.$("button=Log in to it")).isDisplayed(), "it can be logged into from here");
  assert.ok(!(await (await other.$("button=Make default")).isExisting()), "it is not known to be Asha's own");

  await typeInto("#add-address", "asha.clinic");
  await clickButton("Add");
  const added = await $("li*=asha.clinic@sbx");
  await added.waitForDisplayed({ timeout: 10_000 });

  await clickButton("Log in to it");
  await typeInto("#home-otp", await otpFor("******3210"));
  await clickButton("Verify");
  await activeAddressBecomes("asha.clinic@sbx");

  const sent = (await app.browser.$$("#demo-phone li")).length;
  await clickButton("Switch to it");
  await activeAddressBecomes("asha.verma@sbx");
  assert.equal((await app.browser.$$("#demo-phone li")).length, sent, "switching sent no OTP");
  await saveScreenshot(app.browser, "home-two-addresses");

  await typeInto("#reset-password", "N3w#Monsoon");
  await typeInto("#reset-confirm", "N3w#Monsoon");
  await clickButton("Change password");
  const notice = await $("#notice");
  await notice.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await notice.getText(), "Your password is successfully changed.");

  await app.logOut();
});

test("Save ABHA card writes the card as PNG and as a PDF with the name, in the language on screen", async () => {
  await app.logInAsAsha();
  await activeAddressBecomes("asha.verma@sbx");
  await clickButton("ABHA card");
  const card = await $(".abha-card .card-image");
  await card.waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(() => card.getProperty("naturalWidth").then((width) => width === 1011), {
    timeout: 10_000,
    timeoutMsg: "the card did not decode at 300 dpi",
  });
  await card.scrollIntoView();
  await saveScreenshot(app.browser, "home-abha-card");

  await clickButton("Save ABHA card");
  const saved = await $(".abha-card-saved");
  await saved.waitForDisplayed({ timeout: 10_000 });
  const [, png, pdf] = (await saved.getText()).match(/^Saved as (.+\.png) and (.+\.pdf)$/);
  assert.deepEqual([...readFileSync(png).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
  const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
  assert.match(text, /Asha Verma/);
  assert.match(text, /ABHA address\s+asha\.verma@sbx/);

  // In Hindi, the card open on screen is drawn again with Hindi words.
  const english = await card.getAttribute("src");
  await (await $("button=हिन्दी")).click();
  await clickButton("ABHA कार्ड सहेजें");
  await saved.waitUntil(async function () {
    return (await this.getText()).endsWith("के रूप में सहेजा गया");
  }, { timeout: 10_000, timeoutMsg: "the Hindi card was not saved" });
  const hindi = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
  assert.match(hindi, /नाम\s+Asha Verma/);
  await (await $("button=English")).click();
  await card.waitUntil(async function () {
    return (await this.getAttribute("src")) === english;
  }, { timeout: 10_000, timeoutMsg: "the card was not drawn in English again" });

  await app.logOut();
});

// Scan and Share at the front desk, in demo mode: the demo phone plays the
// patient's ABHA app (scan the counter's QR, share the profile), the desk's
// queue shows the token, and the operator registers the patient.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appForSpecs, priya, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, clickButton } = app;

test("a patient shares their profile at counter 1; the desk sees the token and registers them", async () => {
  await app.staffAtDesk(priya);
  await clickButton("Show the counters' QR codes");
  const qr = await $('#share-queue li[data-counter="1"] img');
  await qr.waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(() => qr.getProperty("naturalWidth").then((width) => width > 0), {
    timeout: 10_000,
    timeoutMsg: "the counter's QR code did not decode",
  });

  await (await $("#share-person")).selectByAttribute("value", "meera.nair@sbx");
  await clickButton("Scan the desk's QR and share profile");
  const shown = await $("#share-token");
  await shown.waitForDisplayed({ timeout: 35_000, timeoutMsg: "the demo phone showed no token" });
  const [, token] = (await shown.getText()).match(/^Your token: (1-\d{3})$/) ?? [];
  assert.ok(token, await shown.getText());

  const row = await $(`#share-queue tr[data-token="${token}"]`);
  await row.waitForDisplayed({ timeout: 10_000, timeoutMsg: `token ${token} did not appear in the queue` });
  const text = await row.getText();
  assert.match(text, /Meera Devi Nair/);
  assert.match(text, /\*{6}6780/, "the mobile is masked");
  await saveScreenshot(app.browser, "queue");

  await (await row.$("button=Register")).click();
  const done = await $("#queue-registered");
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await done.getText(), "Meera Devi Nair is registered in the list.");
  await row.waitForExist({ reverse: true, timeout: 10_000, timeoutMsg: "the registered patient stayed in the queue" });
  await app.typeInto("#desk-search", "meera");
  await (await (await $("#desk-results")).$("button*=Meera Devi Nair")).waitForDisplayed({ timeout: 10_000 });
  await clickButton("My ABHA");
});

// Clinic staff at the front desk, signing in with the clinic's auth platform
// (the embedded sandbox's): a new member of staff signs up, is told to verify
// their email, takes the link from the demo inbox, signs in, verifies a
// patient; the desk locks itself after the (short) idle time, they sign in
// again, and the access log shows what they did and exports it as CSV. Then
// Ctrl+L locks it at once, and another member of staff takes over.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { appForSpecs, priya, saveScreenshot } from "../app.mjs";

const IDLE_SECS = 12;
const app = appForSpecs({ env: { ABHA_STAFF_IDLE_MINUTES: String(IDLE_SECS / 60) } });
const { $, typeInto, clickButton, otpFor } = app;

const meena = {
  email: `meena.${Date.now()}@sunrise.example`,
  password: "Front#Desk2026",
  name: "Meena Pillai",
};

async function errorCode() {
  const error = await $("#staff-error");
  await error.waitForDisplayed({ timeout: 10_000 });
  return error.getAttribute("data-code");
}

/** The newest verification link the demo inbox shows. */
async function newestLink() {
  const field = await $("#demo-phone .inbox li:first-child .mail-link");
  await field.waitForExist({ timeout: 10_000, timeoutMsg: "the demo inbox showed no email" });
  return field.getValue();
}

test("a new member of staff signs up, verifies the email from the inbox and signs in", async () => {
  await clickButton("Front desk");
  await (await $("#staff-email")).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await $("#desk-search")).isExisting(), false, "no patient search before sign-in");
  await clickButton("Create a staff account");
  await typeInto("#staff-first", "Meena");
  await typeInto("#staff-last", "Pillai");
  await typeInto("#staff-signup-email", meena.email);
  await typeInto("#staff-signup-password", meena.password);
  await typeInto("#staff-signup-confirm", meena.password);
  await clickButton("Create account");
  await (await $("#staff-sent")).waitForDisplayed({ timeout: 10_000 });
  const firstLink = await newestLink();

  // Signing in before verifying is refused, and offers the email again.
  await clickButton("Back to sign-in");
  await typeInto("#staff-email", meena.email);
  await typeInto("#staff-password", meena.password);
  await clickButton("Sign in");
  assert.equal(await errorCode(), "STAFF_EMAIL_NOT_VERIFIED");
  assert.equal(await (await $("#staff-email")).getValue(), meena.email, "what was typed stays");
  await saveScreenshot(app.browser, "staff-unverified");
  await clickButton("Send the verification email again");
  await app.browser.waitUntil(async () => (await newestLink()) !== firstLink, {
    timeout: 10_000,
    timeoutMsg: "no second email arrived",
  });
  await typeInto("#staff-link", await newestLink());
  await clickButton("Verify");
  await (await $("#staff-verified")).waitForDisplayed({ timeout: 10_000 });
  await typeInto("#staff-password", meena.password);
  await clickButton("Sign in");
  const onDuty = await $("#staff-on-duty");
  await onDuty.waitForDisplayed({ timeout: 10_000 });
  assert.match(await onDuty.getText(), /Meena Pillai/);
});

test("the desk locks itself after the idle time and opens for the same person", async () => {
  await typeInto("#verify-address", "meera.nair@sbx");
  await clickButton("Find ways to verify");
  await clickButton("OTP to the patient's mobile");
  await typeInto("#verify-otp", await otpFor("******6780"));
  await clickButton("Verify");
  await (await $("#verified-card")).waitForDisplayed({ timeout: 15_000 });
  // The page notes when the last input happens and when the lock screen
  // appears; from that input on, the desk must lock by itself.
  await app.browser.execute(() => {
    window.__lastInputAt = null;
    window.__lockedAt = null;
    window.addEventListener("pointerdown", () => (window.__lastInputAt = Date.now()), { capture: true });
    new MutationObserver((_, observer) => {
      if (document.getElementById("locked-for")) {
        window.__lockedAt = Date.now();
        observer.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await (await $("#verified-card")).click();
  await (await $("#locked-for")).waitForDisplayed({ timeout: (IDLE_SECS + 10) * 1000 });
  const [lastInput, lockedAt] = await app.browser.execute(() => [window.__lastInputAt, window.__lockedAt]);
  const latency = lockedAt - lastInput - IDLE_SECS * 1000;
  console.log(`lock latency after ${IDLE_SECS} s idle: ${latency} ms`);
  assert.ok(latency >= 0, `locked ${-latency} ms before the idle time was up`);
  assert.ok(latency < 2000, `locked ${latency} ms after the idle time`);
  assert.match(await (await $("#locked-for")).getText(), /Meena Pillai/);
  assert.equal(await (await $("#verified-card")).isExisting(), false, "patient data left the screen");
  await saveScreenshot(app.browser, "staff-locked");

  await typeInto("#staff-password", "not her password");
  await clickButton("Unlock");
  assert.equal(await errorCode(), "STAFF_WRONG_PASSWORD");
  await typeInto("#staff-password", meena.password);
  await clickButton("Unlock");
  await (await $("#staff-on-duty")).waitForDisplayed({ timeout: 10_000 });
});

test("the access log shows who did what, filters by person and exports CSV", async () => {
  await clickButton("Access log");
  const table = await $("#log-entries");
  await table.waitForDisplayed({ timeout: 10_000 });
  await app.pick("#log-person", "Meena Pillai");
  await app.browser.waitUntil(
    async () => (await $$rows()).length === 4,
    { timeout: 10_000, timeoutMsg: "Meena's four lines were not shown" },
  );
  const rows = await $$rows();
  const actions = [];
  for (const row of rows) actions.push(await row.getAttribute("data-action"));
  assert.deepEqual(actions, ["desk-unlocked", "desk-locked", "patient-verified", "staff-signed-in"]);
  assert.match(await rows[2].getText(), /Meena Pillai\s*Verified a patient\s*meera\.nair@sbx/);
  await saveScreenshot(app.browser, "staff-access-log");

  await clickButton("Export CSV");
  const saved = await $("#log-saved");
  await saved.waitForDisplayed({ timeout: 10_000 });
  const file = (await saved.getText()).replace(/^Saved as /, "");
  const lines = readFileSync(file, "utf8").trim().split("\n");
  assert.equal(lines[0], "time_utc,staff_id,staff_name,action,patient");
  assert.equal(lines.length, 5, lines.join("\n"));
  assert.match(lines[3], /,Meena Pillai,patient-verified,meera\.nair@sbx$/);
});

async function $$rows() {
  return app.browser.$$("#log-entries tbody tr");
}

test("Ctrl+L locks at once, and another member of staff can take over", async () => {
  await clickButton("Patients");
  await (await $("#desk-search")).waitForDisplayed({ timeout: 10_000 });
  await app.browser.keys(["Control", "l"]);
  await (await $("#locked-for")).waitForDisplayed({ timeout: 5_000, timeoutMsg: "Ctrl+L did not lock the desk" });
  await app.staffAtDesk(priya);
  await clickButton("Access log");
  await (await $("#log-entries")).waitForDisplayed({ timeout: 10_000 });
  const text = await (await $("#log-entries")).getText();
  assert.match(text, /Priya Sharma\s*Signed in/);
  assert.match(text, /Meena Pillai\s*Signed out/, "Meena's sign-in ended when Priya took over");
  await clickButton("Sign out");
  await (await $("#staff-email")).waitForDisplayed({ timeout: 10_000 });
  await clickButton("My ABHA");
});

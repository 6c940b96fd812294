// What survives closing the app, in demo mode: an address added in one run is
// there to log in to in the next; a sign-up interrupted by a crash (kill -9)
// is offered on the start screen and continues, with what was typed, to the
// end; an error from a button far down the page shows where the person is
// looking; the date of birth has day, month and year.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { appBinary, appForSpecs, launchApp, saveScreenshot } from "../app.mjs";

const app = appForSpecs();
const { $, typeInto, clickButton, otpFor, pick } = app;

async function relaunch({ kill = false } = {}) {
  if (kill) {
    // The way a crash or a power cut ends it: no chance to save anything.
    const pids = execFileSync("pgrep", ["-f", appBinary]).toString().trim().split("\n");
    for (const pid of pids) process.kill(Number(pid), "SIGKILL");
  }
  await app.stop();
  Object.assign(app, await launchApp());
}

test("an address added before a restart can be logged in to after it", async () => {
  await app.logInAsAsha();
  await typeInto("#add-address", "asha.walk2026");
  await clickButton("Add");
  await (await $("li*=asha.walk2026@sbx")).waitForDisplayed({ timeout: 10_000 });

  await relaunch();
  await app.home("Asha Verma");
  const entry = await $("li*=asha.walk2026@sbx");
  await entry.waitForDisplayed({ timeout: 10_000 });
  await (await entry.$("button=Log in to it")).click();
  await typeInto("#home-otp", await otpFor("******3210"));
  await clickButton("Verify");
  const active = await $("#active-address");
  await active.waitUntil(async function () {
    return (await this.getText()) === "asha.walk2026@sbx";
  }, { timeout: 10_000, timeoutMsg: "the sandbox forgot the address across the restart" });
});

test("an error from a button far down the page is in view, focused and announced", async () => {
  await typeInto("#reset-password", "N3w#Monsoon");
  await typeInto("#reset-confirm", "N3w#Monsoonx");
  await clickButton("Change password");
  const alert = await $("[role=alert][data-code=PASSWORDS_DIFFER]");
  await alert.waitForDisplayed({ timeout: 10_000 });
  const placement = await app.browser.execute((el) => {
    const box = el.getBoundingClientRect();
    return {
      inView: box.top >= 0 && box.bottom <= window.innerHeight,
      focused: document.activeElement === el,
      scrolled: window.scrollY > 0,
      nextToForm: el.closest("form")?.querySelector("#reset-password") !== null,
    };
  }, alert);
  assert.deepEqual(placement, { inView: true, focused: true, scrolled: true, nextToForm: true });
  await saveScreenshot(app.browser, "error-in-view");
  await app.logOut();
});

test("a sign-up killed at the profile is offered after a restart and continues to the end", async () => {
  await clickButton("Create ABHA address");
  await typeInto("#signup-contact", "9822001199");
  await clickButton("Continue");
  await typeInto("#signup-otp", await otpFor("******1199"));
  await clickButton("Verify");
  await typeInto("#p-first", "Kavya");
  await typeInto("#p-day", "4");
  // The form is kept once typing pauses (0.4 s); then the app is killed.
  await app.browser.pause(1_500);
  await relaunch({ kill: true });

  const offered = await $('#resume li[data-kind="signup"]');
  await offered.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the interrupted sign-up was not offered" });
  const text = await offered.getText();
  assert.match(text, /Create ABHA address/);
  assert.match(text, /\*{6}1199/);
  assert.match(text, /stopped at the profile/);
  await saveScreenshot(app.browser, "resume");
  await (await offered.$("button=Continue")).click();

  assert.equal(await (await $("#p-first")).getValue(), "Kavya", "what was typed came back");
  assert.equal(await (await $("#p-day")).getValue(), "4");
  await typeInto("#p-last", "Rao");
  await (await $("#p-gender")).selectByAttribute("value", "F");
  await (await $("#p-month")).selectByAttribute("value", "8");
  await typeInto("#p-year", "1993");
  await typeInto("#p-address", "9 Temple Street");
  await pick("#p-state", "TAMIL NADU");
  await pick("#p-district", "CHENNAI");
  await typeInto("#p-pincode", "600004");
  await (await $(".agree input")).click();
  await saveScreenshot(app.browser, "signup-date-of-birth");
  await clickButton("Continue");
  await typeInto("#new-address", "kavya.resumed");
  await clickButton("Create");
  const done = await $("#congratulations");
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.match(await done.getText(), /kavya\.resumed@sbx/);
  await clickButton("Continue");
  await app.home("Kavya Rao");
  await app.logOut();
});

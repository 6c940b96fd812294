// The real app, in demo mode, in a real WebKit window: it starts, has the right
// title, and a command round-trips through IPC to Rust and back into the page.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { launchApp, saveScreenshot } from "../app.mjs";

let app;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.stop();
});

test("the window is titled ABHA Desktop", async () => {
  assert.equal(await app.browser.getTitle(), "ABHA Desktop");
  // The native window's title (what a taskbar shows) comes from tauri.conf.json.
  const tree = execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" });
  assert.match(tree, /"ABHA Desktop"/, "no X11 window named ABHA Desktop");
});

test("app_info round-trips from Rust and shows version and demo mode", async () => {
  const info = await app.browser.$("#app-info");
  await info.waitUntil(async function () {
    return (await this.getAttribute("data-state")) !== "loading";
  }, { timeout: 10_000, timeoutMsg: "app_info never answered" });

  assert.equal(await info.getAttribute("data-state"), "ready", await info.getText());
  const text = await info.getText();
  assert.match(text, /^Version \d+\.\d+\.\d+ · Demo mode · ABDM at 127\.0\.0\.1$/);
  assert.ok(await app.browser.$("#demo-banner").isDisplayed(), "demo banner is shown");
  await saveScreenshot(app.browser, "welcome");
});

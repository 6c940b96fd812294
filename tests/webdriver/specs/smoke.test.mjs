// The real app, in demo mode, in a real WebKit window: it starts, has the right
// title, and a command round-trips through IPC to Rust and back into the page.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { appBinary, launchApp, saveScreenshot } from "../app.mjs";

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

// Which window has focus cannot be read here (Xvfb runs no window manager); that
// the first is asked to come forward is the shell test's.
test("a second launch exits at once and the first window stays the only one", async () => {
  const windows = () => execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" }).match(/"ABHA Desktop"/g) ?? [];
  assert.equal(windows().length, 1);
  const second = spawn(appBinary, [], { stdio: "ignore", env: process.env });
  const exit = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      second.kill("SIGKILL");
      reject(new Error("the second launch kept running: it opened a window of its own"));
    }, 20_000);
    second.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.equal(windows().length, 1);
  // The first still answers.
  assert.equal(await app.browser.getTitle(), "ABHA Desktop");
  assert.equal(await app.browser.execute(() => window.__TAURI_INTERNALS__.invoke("app_info").then((info) => info.mode)), "demo");
});

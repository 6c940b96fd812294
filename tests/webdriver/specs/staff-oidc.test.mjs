// Clinic staff signing in with the clinic's OpenID Connect provider (the
// embedded sandbox's) in the system browser. The app hands the authorization
// URL to its opener (a script here, xdg-open on a desktop); a real Chromium,
// driven by chromedriver, shows the provider's login page, the member of staff
// types their password, and the redirect travels browser → the app's loopback
// listener. After a lock, the provider asks for the password again.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { remote } from "webdriverio";
import { appForSpecs, repoRoot, saveScreenshot } from "../app.mjs";

const scratch = mkdtempSync(path.join(os.tmpdir(), "abha-oidc-spec-"));
const opened = path.join(scratch, "opened-url");
const app = appForSpecs({
  env: {
    ABHA_STAFF_SIGN_IN: "oidc",
    ABHA_STAFF_OPENER: path.join(repoRoot, "tests/webdriver/open-url.sh"),
    ABHA_TEST_OPENED_URL: opened,
  },
});
const { $, clickButton } = app;
const kavita = { email: "kavita.rao@sunrise.example", password: "Oidc#Kavita1" };

let chrome;
let chromedriver;

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  chromedriver = spawn("chromedriver", [`--port=${port}`], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok).catch(() => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  chrome = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    capabilities: {
      browserName: "chrome",
      "wdio:enforceWebDriverClassic": true,
      "goog:chromeOptions": {
        binary: "/usr/bin/chromium",
        args: ["--headless=new", "--no-sandbox", "--disable-gpu", `--user-data-dir=${path.join(scratch, "profile")}`],
      },
    },
  });
});

after(async () => {
  await chrome?.deleteSession().catch(() => {});
  chromedriver?.kill();
  rmSync(scratch, { recursive: true, force: true });
});

/** The URL the app handed to the opener, once it has. */
async function openedUrl() {
  for (let i = 0; i < 100 && !existsSync(opened); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(opened), "the app did not open the browser");
  const url = readFileSync(opened, "utf8");
  rmSync(opened);
  return new URL(url);
}

/** In Chromium: the provider's login page, the password, back to the app. */
async function signInAtProvider(url, name) {
  await chrome.url(url.href);
  const email = await chrome.$("#email");
  await email.waitForDisplayed({ timeout: 10_000 });
  await email.setValue(kavita.email);
  await (await chrome.$("#password")).setValue(kavita.password);
  await (await chrome.$("#sign-in")).click();
  await chrome.waitUntil(async () => /signed in to ABHA Desktop/.test(await (await chrome.$("body")).getText()), {
    timeout: 10_000,
    timeoutMsg: "the browser did not come back to the app's loopback page",
  });
  const onDuty = await $("#staff-on-duty");
  await onDuty.waitForDisplayed({ timeout: 10_000 });
  assert.match(await onDuty.getText(), new RegExp(name));
}

test("a member of staff signs in with the clinic's provider in the system browser", async () => {
  await clickButton("Front desk");
  await clickButton("Sign in with your clinic account");
  await (await $("#staff-browser-wait")).waitForDisplayed({ timeout: 10_000 });
  await saveScreenshot(app.browser, "staff-oidc-waiting");
  const url = await openedUrl();
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("prompt"), "login", "a shared desk always asks for the password");
  assert.match(url.searchParams.get("redirect_uri"), /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  assert.ok(url.searchParams.get("state") && url.searchParams.get("nonce"));
  await signInAtProvider(url, "Kavita Rao");
  await chrome.saveScreenshot(path.join(repoRoot, "tests/webdriver/screenshots/staff-oidc-browser.png")).catch(() => {});
});

test("after a lock the provider asks for the password again, and the log names her", async () => {
  await clickButton("Lock");
  await (await $("#locked-for")).waitForDisplayed({ timeout: 5_000 });
  await clickButton("Sign in again in the browser");
  await signInAtProvider(await openedUrl(), "Kavita Rao");
  await clickButton("Access log");
  const table = await $("#log-entries");
  await table.waitForDisplayed({ timeout: 10_000 });
  const text = await table.getText();
  assert.match(text, /Kavita Rao\s*Desk unlocked/);
  assert.match(text, /Kavita Rao\s*Desk locked/);
  assert.match(text, /Kavita Rao\s*Signed in/);
  await clickButton("Sign out");
  await (await $("#staff-browser")).waitForDisplayed({ timeout: 10_000 });
  await clickButton("My ABHA");
});

test("a sign-in given up in the app leaves nobody signed in", async () => {
  await clickButton("Front desk");
  await clickButton("Sign in with your clinic account");
  await openedUrl();
  await clickButton("Cancel");
  const error = await $("#staff-error");
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await error.getAttribute("data-code"), "STAFF_SIGN_IN_CANCELLED");
  assert.equal(await (await $("#staff-on-duty")).isExisting(), false);
  await clickButton("My ABHA");
});

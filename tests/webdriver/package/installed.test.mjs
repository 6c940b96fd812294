// The installed .deb (scripts/package, apt-get install): what dpkg knows of it, the
// desktop entry a menu shows, and the installed binary starting to its first screen.
// Run by scripts/test after it installs the package; APP_BIN is the installed binary.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { appBinary, family, launchApp } from "../app.mjs";

test("dpkg has the package installed with its dependencies declared", () => {
  const status = execFileSync("dpkg-query", ["-W", "-f=${Status}\n${Depends}\n${Recommends}", "abha-desktop"], {
    encoding: "utf8",
  });
  const [state, depends, recommends] = status.split("\n");
  assert.equal(state, "install ok installed");
  for (const needed of ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libssl3"]) assert.match(depends, new RegExp(needed));
  assert.match(recommends, /gnome-keyring/);
  assert.equal(appBinary, "/usr/bin/abha-desktop", "APP_BIN is the installed binary");
  assert.ok(execFileSync("dpkg-query", ["-L", "abha-desktop"], { encoding: "utf8" }).includes("/usr/bin/abha-desktop"));
});

test("a menu finds it: the desktop entry and its icon", () => {
  const entry = readFileSync("/usr/share/applications/ABHA Desktop.desktop", "utf8");
  assert.match(entry, /^Name=ABHA Desktop$/m);
  assert.match(entry, /^Exec=abha-desktop$/m);
  assert.match(entry, /^Icon=abha-desktop$/m);
  assert.match(entry, /^Categories=.*MedicalSoftware/m);
  for (const size of ["32x32", "128x128", "512x512"]) {
    assert.ok(existsSync(`/usr/share/icons/hicolor/${size}/apps/abha-desktop.png`), `no ${size} icon`);
  }
});

let app;
before(async () => {
  app = await launchApp();
});
after(async () => app?.stop());

test("the installed app opens on its first screen, in demo mode", async () => {
  const start = await app.browser.$(".journeys button");
  await start.waitForDisplayed({ timeout: 20_000, timeoutMsg: "the welcome screen never showed" });
  assert.equal(await app.browser.getTitle(), "ABHA Desktop");
  const info = await app.browser.$("#app-info");
  await info.waitUntil(async function () {
    return (await this.getAttribute("data-state")) === "ready";
  }, { timeout: 10_000 });
  const version = execFileSync("dpkg-query", ["-W", "-f=${Version}", "abha-desktop"], { encoding: "utf8" });
  assert.equal(await info.getText(), `Version ${version} · Demo mode · ABDM at 127.0.0.1`);
});

test("WebKit draws without compositing by default", () => {
  // Set by the app for itself before WebKit starts; its web process inherits it.
  const web = family(appBinary).filter((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("WebKitWebProces"));
  assert.equal(web.length, 1, "one web process");
  const environ = readFileSync(`/proc/${web[0]}/environ`, "utf8").split("\0");
  assert.ok(environ.includes("WEBKIT_DISABLE_COMPOSITING_MODE=1"), "the web process was started without compositing");
});

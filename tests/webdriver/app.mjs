import assert from "node:assert/strict";
// Starts tauri-driver and a WebDriver session on the real app binary, for the specs.
// The app runs in whatever XDG folders and ABHA_* variables the caller set; the
// test command points them at a temp dir, so a spec never sees a user's data.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../..");
export const appBinary = process.env.APP_BIN ?? path.join(repoRoot, "target/debug/abha-desktop");
export const screenshotDir = path.join(here, "screenshots");
/** The demo auth platform's verified member of staff (see the README). */
export const priya = { email: "priya.desk@sunrise.example", password: "Desk#Sunrise1", name: "Priya Sharma" };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
}

/** Every process this user may read: pid, parent and executable. */
function processes() {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return [{ pid: Number(pid), ppid, exe: readlinkSync(`/proc/${pid}/exe`) }];
      } catch {
        return []; // gone, or not ours to read
      }
    });
}

/** `roots` and every process they started, parents before children. */
function withDescendants(roots, all = processes()) {
  const members = [...roots];
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (members.includes(p.ppid) && !members.includes(p.pid)) {
        members.push(p.pid);
        grew = true;
      }
    }
  }
  return members;
}

/** The pids of `binary`'s one process and every process it started. */
export function family(binary) {
  const all = processes();
  const roots = all.filter((p) => p.exe === binary).map((p) => p.pid);
  if (roots.length !== 1) throw new Error(`expected one ${binary} process, found ${roots.length}`);
  return withDescendants(roots, all);
}

/**
 * The proportional set size (PSS, kB) of the one process running `binary` and of
 * every process it started (WebKit's web and network processes): the total and
 * each process's share by name.
 */
export function familyPss(binary) {
  const each = family(binary).map((pid) => ({
    name: readFileSync(`/proc/${pid}/comm`, "utf8").trim(),
    kb: Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))[1]),
  }));
  return { total: each.reduce((sum, p) => sum + p.kb, 0), each };
}

/**
 * What a launch whose WebDriver session never started leaves behind, killed:
 * tauri-driver, the WebKitWebDriver it started, and the app that one started,
 * possibly after the request had already been given up. The app is
 * single-instance, so it would turn every later launch away; and it holds the
 * test runner's output open, so the runner would wait for it forever (seen
 * once: the whole WebDriver step hung after a retry that passed). Parents go
 * first, so that none is left to start another; then any app process still
 * running, once nothing can start one.
 */
export function killLaunch(driver) {
  const kill = (pid) => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  withDescendants([driver.pid]).forEach(kill);
  processes()
    .filter((p) => p.exe === appBinary)
    .forEach((p) => kill(p.pid));
}

/**
 * Launches the app under tauri-driver, with `env` added to this process's
 * environment (the app reads its ABHA_* settings from there); returns
 * { browser, stop }. A session request that fails is tried once more after
 * the app it left is gone, and says so: WebKit has (rarely) hung here at a
 * new session with no web process, the same binary starting fine the next time.
 */
export async function launchApp(env = {}) {
  try {
    return await launchOnce(env);
  } catch (err) {
    console.error(`# the WebDriver session did not start (${err.message}); trying once more`);
    return await launchOnce(env);
  }
}

async function launchOnce(env) {
  const [port, nativePort] = [await freePort(), await freePort()];
  const driver = spawn(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"],
    { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } },
  );
  try {
    // tauri-driver forwards the session to WebKitWebDriver, which it starts
    // beside itself; asked before that one listens, it answers "Connection
    // refused" (seen once in the test command on a loaded machine).
    await waitForPort(port, driver, 10_000);
    await waitForPort(nativePort, driver, 10_000);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 0,
      // Each WebDriver request answers in seconds; a new session that hangs
      // (see launchApp) is given up after this, not after webdriverio's 120 s.
      connectionRetryTimeout: 45_000,
      capabilities: {
        "wdio:enforceWebDriverClassic": true,
        "tauri:options": { application: appBinary },
      },
    });
    const stop = async () => {
      await browser.deleteSession().catch(() => {});
      driver.kill();
    };
    return { browser, stop };
  } catch (err) {
    killLaunch(driver);
    throw err;
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core (injected into the real WebKit page) on what the window shows
 * now, and fails with each serious or critical violation: the rule, why, and
 * the elements.
 */
export async function checkAccessibility(browser, screen) {
  const injected = await browser.execute(() => typeof window.axe === "object");
  if (!injected) await browser.execute(axeSource);
  const violations = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((result) =>
        done(
          result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) })),
        ),
      )
      .catch((err) => done([{ rule: "axe-failed", help: String(err), targets: [] }]));
  });
  assert.deepEqual(violations, [], `accessibility violations on the ${screen} screen`);
}

/** A picture of the screen for the README and reviewers, after axe-core checked it. */
export async function saveScreenshot(browser, name) {
  mkdirSync(screenshotDir, { recursive: true });
  // WebKit paints after the DOM settles; two frames later the picture matches it.
  await browser.execute(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await browser.saveScreenshot(path.join(screenshotDir, `${name}.png`));
  await checkAccessibility(browser, name);
}

/**
 * The app for one spec file: launched before its tests, stopped after them.
 * Also gives the steps every spec takes, the way a person would: type into a
 * field, press a button by its text, read an OTP off the demo phone.
 */
export function appForSpecs({ env = {} } = {}) {
  const app = {};
  before(async () => {
    // WebKitWebDriver's screenshot never answers when WebKit draws without
    // compositing, as the app does by default (WebKitGTK 2.50, measured); the
    // pictures need it back. The installed app, the soak and the launch
    // measurement run the app as it ships.
    Object.assign(app, await launchApp({ WEBKIT_DISABLE_COMPOSITING_MODE: "0", ...env }));
    // OTPs sent before this launch (by earlier spec files) are not this spec's.
    const sent = await app.browser.execute(() => window.__TAURI_INTERNALS__.invoke("demo_phone"));
    app.usedOtps = new Set(sent.map((message) => message.otp));
  });
  after(async () => app.stop?.());
  app.$ = (selector) => app.browser.$(selector);
  app.typeInto = async (selector, text) => {
    const input = await app.$(selector);
    await input.waitForDisplayed({ timeout: 10_000 });
    await input.setValue(text);
    return input;
  };
  app.clickButton = async (text) => {
    const button = await app.$(`button=${text}`);
    await button.waitForClickable({ timeout: 10_000 });
    await button.click();
  };
  /**
   * Waits for the home screen of `name`, agreeing to the processing consent on
   * the way when this is the person's first login here.
   */
  app.home = async (name) => {
    const consentOrHome = await app.$("#consent-agree, #home-title");
    await consentOrHome.waitForDisplayed({ timeout: 10_000, timeoutMsg: "neither the consent nor home appeared" });
    if ((await consentOrHome.getAttribute("id")) === "consent-agree") {
      await saveScreenshot(app.browser, "consent");
      await consentOrHome.click();
    }
    const title = await app.$("#home-title");
    await title.waitForDisplayed({ timeout: 10_000 });
    if (name) assert.equal(await title.getText(), `Welcome, ${name}`);
    return title;
  };
  /** Asha logs in by her mobile's OTP to `asha.verma@sbx` and reaches home. */
  app.logInAsAsha = async () => {
    await app.typeInto("#login-contact", "9876543210");
    await app.clickButton("Continue");
    await app.typeInto("#login-otp", await app.otpFor("******3210"));
    await app.clickButton("Verify");
    await app.clickButton("asha.verma@sbx");
    await app.home("Asha Verma");
  };
  /** Logs out and waits until it is done (the next launch must find nobody signed in). */
  app.logOut = async () => {
    await app.clickButton("Log out");
    await (await app.$("#login-contact")).waitForDisplayed({ timeout: 10_000, timeoutMsg: "logging out did not finish" });
  };
  /**
   * Opens the front desk with `staff` signed in, whatever the desk showed: the
   * sign-in, the lock screen (for them or someone else) or the open desk.
   */
  app.staffAtDesk = async ({ email, password, name }) => {
    await app.clickButton("Front desk");
    const shown = await app.$("#staff-email, #locked-for, #staff-on-duty");
    await shown.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the front desk showed no staff screen" });
    const id = await shown.getAttribute("id");
    if (id === "staff-on-duty") {
      if ((await shown.getText()).includes(name)) return;
      await app.clickButton("Sign out");
    } else if (id === "locked-for" && !(await shown.getText()).includes(name)) {
      await (await app.$("#staff-someone-else")).click();
    }
    const emailField = await app.$("#staff-email");
    if (await emailField.isExisting()) await app.typeInto("#staff-email", email);
    await app.typeInto("#staff-password", password);
    await (await app.$("section.staff form button.primary")).click();
    const onDuty = await app.$("#staff-on-duty");
    await onDuty.waitForDisplayed({ timeout: 10_000, timeoutMsg: `${name} could not sign in at the desk` });
    assert.match(await onDuty.getText(), new RegExp(name));
  };
  /** Chooses the option showing `text` in a select, once the list has it. */
  app.pick = async (selector, text) => {
    const option = await (await app.$(selector)).$(`option=${text}`);
    await option.waitForExist({ timeout: 10_000, timeoutMsg: `${selector} never offered ${text}` });
    const select = await app.$(selector);
    await select.waitForEnabled({ timeout: 10_000 });
    await select.selectByVisibleText(text);
  };
  /**
   * The newest OTP the demo phone shows for `to` (masked) that this app has not
   * handed out before: the phone refreshes each second, and the specs share one
   * demo sandbox, so an older OTP may still be on top for a moment.
   */
  app.otpFor = async (to) => {
    const fresh = async () => {
      const message = await app.$(`#demo-phone li[data-to="${to}"] .otp`);
      if (!(await message.isExisting())) return null;
      const otp = await message.getText();
      return app.usedOtps.has(otp) ? null : otp;
    };
    await app.browser.waitUntil(fresh, { timeout: 10_000, timeoutMsg: `no new OTP for ${to} on the demo phone` });
    const otp = await fresh();
    app.usedOtps.add(otp);
    return otp;
  };
  return app;
}

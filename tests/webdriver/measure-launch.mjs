// Launch to interactive and memory, ABHA Desktop beside a bare Tauri 2 app, measured
// the same way for both: from the WebDriver new-session request (which launches the
// app) until the first usable element is in the page, then, two seconds later, the
// proportional set size (PSS) of the app and every process it started (WebKit's web
// and network processes). The two apps take turns, so a slow moment on the machine
// lands on both. Every launch gets fresh XDG folders and its own D-Bus session with a
// fresh, unlocked gnome-keyring, as a desktop that has just logged in has.
//
// The ratios are the last app's over each of the others. An app may name variables
// its launches get, as VAR:VALUE after its selector.
//
// Usage (under Xvfb; scripts/measure-launch sets everything up):
//   node measure-launch.mjs RUNS NAME=BINARY=SELECTOR[=VAR:VALUE...]...
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { familyPss, freePort, waitForPort } from "./app.mjs";

const [runsArg, ...appArgs] = process.argv.slice(2);
const runs = Number(runsArg);
const apps = appArgs.map((arg) => {
  const [name, binary, selector, ...vars] = arg.split("=");
  // A variable with no ":" gets an empty name, which the check below refuses.
  const env = Object.fromEntries(vars.map((v) => (v.includes(":") ? [v.slice(0, v.indexOf(":")), v.slice(v.indexOf(":") + 1)] : ["", v])));
  return { name, binary: path.resolve(binary), selector, env, launch: [], pss: [] };
});
const wellFormed = (app) => app.selector && Object.keys(app.env).every((name) => /^\w+$/.test(name));
if (!(runs > 0) || apps.length === 0 || !apps.every(wellFormed)) {
  console.error("usage: node measure-launch.mjs RUNS NAME=BINARY=SELECTOR[=VAR:VALUE...]...");
  process.exit(2);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** One WebDriver call, straight over HTTP: no client library's polling in the timing. */
async function webdriver(port, method, route, body) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${JSON.stringify(answer.value ?? answer)}`);
  return answer.value;
}

async function measureOnce(app) {
  const home = mkdtempSync(path.join(os.tmpdir(), "measure-launch-"));
  const [port, nativePort] = [await freePort(), await freePort()];
  const script =
    'echo -n measure-launch | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec tauri-driver "$@"';
  const driver = spawn(
    "dbus-run-session",
    ["--", "sh", "-c", script, "sh", "--port", `${port}`, "--native-port", `${nativePort}`, "--native-driver", "/usr/bin/WebKitWebDriver"],
    {
      stdio: "ignore",
      detached: true,
      env: {
        ...process.env,
        NO_AT_BRIDGE: "1",
        XDG_DATA_HOME: `${home}/data`,
        XDG_CONFIG_HOME: `${home}/config`,
        XDG_CACHE_HOME: `${home}/cache`,
        ...app.env,
      },
    },
  );
  let session;
  try {
    await waitForPort(port, driver, 10_000);
    await waitForPort(nativePort, driver, 10_000);
    const started = performance.now();
    ({ sessionId: session } = await webdriver(port, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application: app.binary } } },
    }));
    for (;;) {
      const found = await webdriver(port, "POST", `/session/${session}/elements`, { using: "css selector", value: app.selector });
      if (found.length > 0) break;
      if (performance.now() - started > 60_000) throw new Error(`${app.name}: ${app.selector} never appeared`);
    }
    app.launch.push(performance.now() - started);
    await sleep(2_000);
    const { total, each } = familyPss(app.binary);
    app.pss.push(total);
    app.processes ??= each;
  } finally {
    if (session) await webdriver(port, "DELETE", `/session/${session}`).catch(() => {});
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    await sleep(300);
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

for (let run = 0; run < runs; run += 1) {
  // Alternate who goes first, so neither always meets a warmer page cache.
  const order = run % 2 === 0 ? apps : [...apps].reverse();
  for (const app of order) await measureOnce(app);
  process.stderr.write(".");
}
process.stderr.write("\n");

const subject = apps.at(-1);
const yardsticks = apps.slice(0, -1);
for (const app of apps) app.size = readFileSync(app.binary).length;
const row = (label, value, format) =>
  `| ${label} | ${apps.map((app) => format(value(app))).join(" | ")} | ${yardsticks
    .map((app) => `${(value(subject) / value(app)).toFixed(2)}×`)
    .join(" | ")} |`;
console.log(`${runs} launches each, medians; release builds`);
console.log(`| | ${apps.map((app) => app.name).join(" | ")} | ${yardsticks.map((app) => `${subject.name} ÷ ${app.name}`).join(" | ")} |`);
console.log(`|---|${apps.map(() => "---|").join("")}${yardsticks.map(() => "---|").join("")}`);
console.log(row("launch → interactive", (app) => median(app.launch), (ms) => `${Math.round(ms)} ms`));
console.log(row("memory, PSS of all processes", (app) => median(app.pss), (kb) => `${Math.round(kb / 1024)} MiB`));
console.log(`PSS per process, first launch: ${apps
  .map((app) => `${app.name}: ${app.processes.map((p) => `${p.name} ${Math.round(p.kb / 1024)} MiB`).join(", ")}`)
  .join("; ")}`);
console.log(row("binary", (app) => app.size, (bytes) => `${(bytes / 1e6).toFixed(1)} MB`));

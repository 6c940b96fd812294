// Launch to interactive and memory, ABHA Desktop beside a bare Tauri 2 app, measured
// the same way for both: from the WebDriver new-session request (which launches the
// app) until the first usable element is in the page, then, two seconds later, the
// proportional set size (PSS) of the app and every process it started (WebKit's web
// and network processes). The two apps take turns, so a slow moment on the machine
// lands on both. Every launch gets fresh XDG folders and its own D-Bus session with a
// fresh, unlocked gnome-keyring, as a desktop that has just logged in has.
//
// Usage (under Xvfb; scripts/measure-launch sets everything up):
//   node measure-launch.mjs RUNS NAME=BINARY=SELECTOR...
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const [runsArg, ...appArgs] = process.argv.slice(2);
const runs = Number(runsArg);
const apps = appArgs.map((arg) => {
  const [name, binary, selector] = arg.split("=");
  return { name, binary: path.resolve(binary), selector, launch: [], pss: [] };
});
if (!(runs > 0) || apps.length === 0 || apps.some((app) => !app.selector)) {
  console.error("usage: node measure-launch.mjs RUNS NAME=BINARY=SELECTOR...");
  process.exit(2);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function listening(port) {
  for (let i = 0; i < 400; i += 1) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await sleep(25);
  }
  throw new Error(`nothing listened on ${port}`);
}

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

/** Every process as { pid, ppid }, read from /proc. */
function processes() {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return [{ pid: Number(pid), ppid }];
      } catch {
        return [];
      }
    });
}

function exeOf(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return "";
  }
}

/** PSS in kB of the app's process and all its descendants, with each process's share. */
function familyPss(binary) {
  const all = processes();
  const roots = all.filter((p) => exeOf(p.pid) === binary).map((p) => p.pid);
  if (roots.length !== 1) throw new Error(`expected one ${binary} process, found ${roots.length}`);
  const family = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (family.has(p.ppid) && !family.has(p.pid)) {
        family.add(p.pid);
        grew = true;
      }
    }
  }
  const each = [...family].map((pid) => {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return { name: readFileSync(`/proc/${pid}/comm`, "utf8").trim(), kb: Number(/^Pss:\s+(\d+)/m.exec(rollup)[1]) };
  });
  return { total: each.reduce((sum, p) => sum + p.kb, 0), each };
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
      },
    },
  );
  let session;
  try {
    await listening(port);
    await listening(nativePort);
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

const [base, ...others] = apps;
for (const app of apps) app.size = readFileSync(app.binary).length;
const row = (label, value, format) =>
  `| ${label} | ${apps.map((app) => format(value(app))).join(" | ")} | ${others
    .map((app) => `${(value(app) / value(base)).toFixed(2)}×`)
    .join(" | ")} |`;
console.log(`${runs} launches each, medians; release builds`);
console.log(`| | ${apps.map((app) => app.name).join(" | ")} | ${others.map((app) => `${app.name} ÷ ${base.name}`).join(" | ")} |`);
console.log(`|---|${apps.map(() => "---|").join("")}${others.map(() => "---|").join("")}`);
console.log(row("launch → interactive", (app) => median(app.launch), (ms) => `${Math.round(ms)} ms`));
console.log(row("memory, PSS of all processes", (app) => median(app.pss), (kb) => `${Math.round(kb / 1024)} MiB`));
console.log(`PSS per process, first launch: ${apps
  .map((app) => `${app.name}: ${app.processes.map((p) => `${p.name} ${Math.round(p.kb / 1024)} MiB`).join(", ")}`)
  .join("; ")}`);
console.log(row("binary", (app) => app.size, (bytes) => `${(bytes / 1e6).toFixed(1)} MB`));

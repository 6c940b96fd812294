// The harness itself: a launch that failed is cleaned up whole.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { killLaunch } from "../app.mjs";

/** Whether `pid` still runs (a zombie waiting to be reaped does not). */
function running(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

test("a failed launch's processes go with it, its children's children too", async () => {
  // A stand-in for tauri-driver, the WebKitWebDriver it starts and the app that
  // one starts, each holding the runner's output as they do.
  const dir = mkdtempSync(path.join(os.tmpdir(), "harness-"));
  const pidFile = path.join(dir, "pid");
  const driver = spawn("sh", ["-c", `sh -c 'sleep 300 & echo $! > "$0"; wait' "${pidFile}" & wait`], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  let app = 0;
  for (let tries = 0; !app && tries < 100; tries += 1) {
    await sleep(20);
    app = Number(readFileSync(pidFile, { encoding: "utf8", flag: "a+" }).trim());
  }
  rmSync(dir, { recursive: true });
  assert.ok(running(app), "the stand-in started");
  killLaunch(driver);
  for (let tries = 0; running(app) && tries < 50; tries += 1) await sleep(20);
  assert.equal(running(app), false, "nothing of it is left running");
});

#!/usr/bin/env node
// portainer-mcp from npm: starts the native binary that the platform's own
// package (an optional dependency) carries, with this process's stdio, and
// ends as it ends. No binary is downloaded at install or run time.
"use strict";

const { spawn } = require("node:child_process");
const path = require("node:path");

const PLATFORMS = {
  "linux-x64": "portainer-mcp-rs-linux-x64",
  "linux-arm64": "portainer-mcp-rs-linux-arm64",
};

function binary() {
  const key = `${process.platform}-${process.arch}`;
  const pkg = PLATFORMS[key];
  if (!pkg) {
    throw new Error(`portainer-mcp has no build for ${key}; builds exist for ${Object.keys(PLATFORMS).join(", ")}`);
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`${pkg} is not installed: reinstall portainer-mcp-rs without --no-optional (or --omit=optional)`);
  }
  return path.join(dir, "bin", "portainer-mcp");
}

let child;
try {
  child = spawn(binary(), process.argv.slice(2), { stdio: "inherit" });
} catch (e) {
  console.error(`portainer-mcp: ${e.message}`);
  process.exit(1);
}
child.on("error", (e) => {
  console.error(`portainer-mcp: ${e.message}`);
  process.exit(1);
});
// A client stopping the server stops the binary too. From a terminal,
// Ctrl-C reaches the binary itself (same process group): passing SIGINT on
// as well would read as a second, impatient one.
const forwarded = process.stdin.isTTY ? ["SIGTERM", "SIGHUP"] : ["SIGINT", "SIGTERM", "SIGHUP"];
for (const sig of forwarded) {
  process.on(sig, () => child.kill(sig));
}
process.on("SIGINT", () => {}); // the launcher waits for the binary either way
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so that the caller sees how the binary ended.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + 1), 1000);
  } else {
    process.exit(code ?? 1);
  }
});

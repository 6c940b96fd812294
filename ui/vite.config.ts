import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import type { Plugin } from "vite";

// The generated bindings call Tauri's `invoke`; they get the one in
// `src/well-formed.ts`, which sends only well-formed text (a lone surrogate
// from a half-deleted emoji would make Tauri refuse the whole call). Only the
// bindings' import is redirected, so that module still reaches Tauri's own.
function bindingsSendWellFormedText(): Plugin {
  return {
    name: "bindings-send-well-formed-text",
    enforce: "pre",
    resolveId(source, importer) {
      if (source !== "@tauri-apps/api/core" || !importer?.endsWith("/src/bindings.ts")) return null;
      return this.resolve("./well-formed.ts", importer, { skipSelf: true });
    },
  };
}

export default defineConfig({
  plugins: [bindingsSendWellFormedText(), svelte(), svelteTesting()],
  clearScreen: false,
  server: { host: "127.0.0.1", port: 1420, strictPort: true },
  build: {
    // WebKitGTK 2.50 on Debian 12 is the oldest engine we ship to.
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});

// Bundles the page with esbuild into public/ beside this file, with Automerge's wasm as a file
// the page fetches (the documented set-up for bundlers without wasm imports).
//
// Usage: node build.mjs

import { copyFile, mkdir } from "node:fs/promises"
import { createRequire } from "node:module"
import * as esbuild from "esbuild"

const here = new URL(".", import.meta.url)
const publicDirectory = new URL("public/", here)
await mkdir(publicDirectory, { recursive: true })
await esbuild.build({
  entryPoints: [new URL("page.js", here).pathname],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  outfile: new URL("peer.js", publicDirectory).pathname,
  logLevel: "warning",
})
const require = createRequire(import.meta.url)
await copyFile(require.resolve("@automerge/automerge/automerge.wasm"), new URL("automerge.wasm", publicDirectory))
await copyFile(new URL("index.html", here), new URL("index.html", publicDirectory))

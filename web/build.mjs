// Builds the web inspector's one self-contained page: the engine (the
// WebAssembly that cargo built from web/src) shrunk with wasm-opt,
// gzip-compressed and embedded in web/page.html as base64; the page
// unpacks it with the browser's DecompressionStream, so it works from disk.
//
//   node web/build.mjs ENGINE.wasm OUT.html
//
// Prints each size; scripts/inspector.sh runs it.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const [wasmPath, outPath] = process.argv.slice(2);
if (!wasmPath || !outPath) {
  console.error("error: usage: node web/build.mjs ENGINE.wasm OUT.html");
  console.error("hint: scripts/inspector.sh build runs it with the right paths");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(dirname(outPath), { recursive: true });
const opt = outPath.replace(/\.html$/, "") + ".opt.wasm";
execFileSync(join(here, "node_modules", ".bin", "wasm-opt"),
  ["-Oz", "--strip-debug", "--strip-producers", wasmPath, "-o", opt], { stdio: "inherit" });
const raw = readFileSync(wasmPath);
const wasm = readFileSync(opt);
const packed = gzipSync(wasm, { level: 9 });
const template = readFileSync(join(here, "page.html"), "utf8");
if (!template.includes('"@@ENGINE@@"')) {
  console.error("error: web/page.html has no @@ENGINE@@ placeholder");
  process.exit(2);
}
// Indentation and whole-line comments go (the page has no <pre> or
// <textarea> content in the template whose spaces would matter).
const slim = template
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("//"))
  .join("\n");
const page = slim.replace('"@@ENGINE@@"', JSON.stringify(packed.toString("base64")));
const tmp = outPath + ".tmp";
writeFileSync(tmp, page);
renameSync(tmp, outPath);
const html = Buffer.byteLength(slim) - '"@@ENGINE@@"'.length;
const total = Buffer.byteLength(page);
const pageGz = gzipSync(Buffer.from(page), { level: 9 }).length;
const kb = (n) => (n / 1000).toFixed(1) + " KB";
console.log(`engine   ${raw.length} B from cargo, ${wasm.length} B after wasm-opt -Oz, ${packed.length} B gzip -9 (embedded)`);
console.log(`page     ${html} B of HTML, CSS and JS around it`);
console.log(`total    ${total} B (${kb(total)}), ${pageGz} B gzip -9 (${kb(pageGz)}): ${outPath}`);

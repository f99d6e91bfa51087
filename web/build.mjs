// Builds the web inspector's one self-contained page: the engine (the
// WebAssembly that cargo built from web/src) shrunk with wasm-opt,
// gzip-compressed (zopfli) and embedded in web/page.html as base64; the page
// unpacks it with the browser's DecompressionStream, so it works from disk.
//
//   node web/build.mjs ENGINE.wasm OUT.html
//
// Prints each size; scripts/inspector.sh runs it.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import zopfli from "@gfx/zopfli";
import { transformSync } from "esbuild";

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
// Zopfli: a gzip stream 4 % smaller than zlib's best, read by every gzip
// reader (the page's DecompressionStream); checked here by reading it back.
const packed = Buffer.from(await promisify(zopfli.gzip)(wasm, { numiterations: 15 }));
if (!gunzipSync(packed).equals(wasm)) {
  console.error("error: the compressed engine does not read back to the engine");
  console.error("hint: reinstall the npm packages (rm -rf web/node_modules) and build again");
  process.exit(1);
}
const template = readFileSync(join(here, "page.html"), "utf8");
if (!template.includes('"@@ENGINE@@"') || !template.includes("<script>") || !template.includes("<style>")) {
  console.error("error: web/page.html lacks its <style>, its <script> or the \"@@ENGINE@@\" placeholder in it");
  console.error("hint: restore them from git (git checkout web/page.html)");
  process.exit(2);
}
// The script and the style minified by esbuild; the markup loses its
// indentation (no <pre> or <textarea> in it has content whose spaces matter).
const minify = (code, loader) => transformSync(code, { loader, minify: true, target: ["chrome100", "firefox113"] }).code.trim();
const slim = template
  .replace(/<script>([\s\S]*?)<\/script>/, (_, js) => "<script>" + minify(js, "js") + "</script>")
  .replace(/<style>([\s\S]*?)<\/style>/, (_, css) => "<style>" + minify(css, "css") + "</style>")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line)
  .join("\n");
const page = slim.replace('"@@ENGINE@@"', JSON.stringify(packed.toString("base64")));
const tmp = outPath + ".tmp";
writeFileSync(tmp, page);
renameSync(tmp, outPath);
const html = Buffer.byteLength(slim) - '"@@ENGINE@@"'.length;
const total = Buffer.byteLength(page);
const pageGz = gzipSync(Buffer.from(page), { level: 9 }).length;
const kb = (n) => (n / 1000).toFixed(1) + " KB";
console.log(`engine   ${raw.length} B from cargo, ${wasm.length} B after wasm-opt -Oz, ${packed.length} B gzip by zopfli (embedded)`);
console.log(`page     ${html} B of HTML, CSS and JS around it`);
console.log(`total    ${total} B (${kb(total)}), ${pageGz} B gzip -9 (${kb(pageGz)}): ${outPath}`);

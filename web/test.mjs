// The web inspector in a real browser: Debian's Chromium driven by
// Playwright opens the built page from disk, is handed licenses `licet`
// minted in this run (scripts/mint-fixtures.sh), and must show exactly what
// `licet inspect` says of them: the page's JSON equal to `licet inspect
// --json`, its verdict lines equal to the CLI's first lines, no console
// error. Screenshots go to target/web/screenshots/, and the one in
// docs/inspector.png is regenerated from the Plus + Basic + add-on case.
//
//   node web/test.mjs PAGE.html FIXTURES_DIR     (LICET_BIN: the licet binary)
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [pagePath, fixtures] = process.argv.slice(2).map((p) => resolve(p));
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const licet = process.env.LICET_BIN || join(repo, "target", "debug", "licet");
const shots = join(repo, "target", "web", "screenshots");
mkdirSync(shots, { recursive: true });

const now = Number(readFileSync(join(fixtures, "now"), "utf8").trim());
// A file far longer than any license (the page reads only its start).
writeFileSync(join(fixtures, "big.lic"), "A".repeat(1 << 20));
const building = "acme/dist-7/dealer-3/complex-12/bldg-2";
const day = 86400;
const pem = readFileSync(join(fixtures, "keys", "vendor.pub"), "utf8");
const hex = readFileSync(join(fixtures, "root.hex"), "utf8");
const rustConstant = execFileSync(licet, ["key", "export", "--format", "rust", join(fixtures, "keys", "vendor.pub")], { encoding: "utf8" });
// No ledger: the page has none, so the CLI must not find a default one.
const home = mkdtempSync(join(tmpdir(), "licet-web-home-"));
const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, "data") };
delete env.LICET_LEDGER;

// What the CLI says: the JSON document and the text report.
function cli(c, stdin) {
  const args = ["inspect", "--at", "@" + (now + (c.days || 0) * day)];
  if (c.root !== null) args.push("--trust", join(fixtures, "keys", "vendor.pub"));
  if (c.group) args.push("--group", c.group);
  const names = stdin === undefined ? c.files : ["-"];
  const run = (extra) => {
    try {
      return execFileSync(licet, [...args, ...extra, ...names], { cwd: fixtures, env, input: stdin, encoding: "utf8" });
    } catch (e) {
      if (e.status === 1) return e.stdout; // rejected: the report is still printed
      throw e;
    }
  };
  return { doc: JSON.parse(run(["--json"])), text: run([]) };
}

const cases = [
  { name: "valid", files: ["chain3.lic"], group: building, root: hex, verdict: /^VALID for /, valid: true },
  { name: "expired", files: ["plus.lic"], group: building, days: 30, root: pem, verdict: /^REJECTED: expired on / },
  { name: "wrong-group", files: ["chain3.lic"], group: "acme/dist-7/dealer-3/complex-12/bldg-9", root: rustConstant, verdict: /^REJECTED: this license is for / },
  { name: "tampered", files: ["tampered.lic"], group: building, root: hex, verdict: /^REJECTED: the file was changed after it was signed/ },
  { name: "cut-down", files: ["dealer.lic"], group: building, root: hex, verdict: /^NOT A PANEL LICENSE: / },
  { name: "plus-basic-addon", files: ["plus.lic", "basic.lic", "addon.lic"], group: building, root: pem, verdict: /^VALID for /, valid: true, evaluated: true },
  { name: "fallback-to-basic", files: ["plus.lic", "basic.lic", "addon.lic"], group: building, days: 30, root: pem, evaluated: true },
  { name: "too-large", files: ["big.lic"], group: building, root: hex, verdict: /^REJECTED: / },
  { name: "no-root", files: ["chain3.lic"], group: building, root: null, verdict: /^NOT CHECKED: / },
  { name: "pasted-from-an-email", paste: true, group: building, root: hex, verdict: /^VALID for /, valid: true },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const errors = [];
const timings = {};
const startups = [];
let failures = 0;

async function open(viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(pagePath).href);
  await page.waitForSelector("body[data-ready='1']", { timeout: 15000 });
  startups.push(Math.round(await page.evaluate(() => Number(document.body.dataset.readyAt))));
  return page;
}

// Hands the case to the page as a person would and returns what it shows.
async function feed(page, c) {
  await page.fill("#root", c.root || "");
  await page.fill("#group", c.group || "");
  await page.fill("#time", "@" + (now + (c.days || 0) * day));
  const runs = Number(await page.getAttribute("body", "data-runs"));
  if (c.paste) {
    await page.fill("#paste", c.pasted);
  } else {
    await page.setInputFiles("#files", c.files.map((f) => join(fixtures, f)));
  }
  await page.waitForFunction((n) => Number(document.body.dataset.runs) > n && document.querySelectorAll(".verdict").length > 0, runs);
  const ms = Number(await page.getAttribute("body", "data-ms"));
  const json = JSON.parse(await page.textContent("#json"));
  const verdicts = await page.$$eval(".verdict .line", (v) => v.map((e) => e.textContent));
  const text = await page.textContent("#text");
  return { ms, json, verdicts, text };
}

for (const c of cases) {
  try {
    let want;
    if (c.paste) {
      const armor = readFileSync(join(fixtures, "armored.txt"), "utf8");
      c.pasted = "Hello, here is the license for the building:\n\n" + armor.split("\n").map((l) => "> " + l).join("\n") + "\n\nRegards,\nthe dealer\n";
      want = cli(c, c.pasted);
      // The CLI names standard input, the page the pasted text.
      const rename = (s) => s.replaceAll("standard input", "pasted text");
      want = { doc: JSON.parse(rename(JSON.stringify(want.doc))), text: rename(want.text) };
    } else {
      want = cli(c);
    }
    const page = await open();
    const got = await feed(page, c);
    timings[c.name] = got.ms;
    assert.deepEqual(got.json, want.doc, `${c.name}: the page's JSON differs from licet inspect --json`);
    assert.equal(got.text, want.text, `${c.name}: the page's summary differs from licet inspect`);
    assert.deepEqual(got.verdicts, want.doc.files.map((f) => f.verdict));
    assert.equal(got.verdicts[0], want.text.split("\n")[0], `${c.name}: the verdict is not the CLI's first line`);
    if (c.verdict) assert.match(got.verdicts[0], c.verdict);
    assert.equal(want.doc.valid, Boolean(c.valid), `${c.name}: valid`);
    if (c.evaluated) {
      assert.ok(want.doc.evaluation, `${c.name}: no evaluation`);
      assert.ok(await page.isVisible("#eval-section"), `${c.name}: the evaluation is not shown`);
    }
    await page.screenshot({ path: join(shots, c.name + ".png"), fullPage: true });
    if (c.name === "plus-basic-addon") {
      await page.screenshot({ path: join(repo, "docs", "inspector.png"), fullPage: true });
    }
    await page.close();
    console.log(`ok   ${c.name} (${got.ms} ms from the files to the verdict)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${c.name}: ${e.message.split("\n").slice(0, 12).join("\n")}`);
  }
}

// A bad root, group and time are named with what to do, and the files are
// still inspected (unchecked).
try {
  const page = await open();
  await page.fill("#root", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
  await page.fill("#group", "Not A Group");
  await page.fill("#time", "yesterday");
  await page.setInputFiles("#files", [join(fixtures, "chain3.lic")]);
  await page.waitForFunction(() => document.querySelectorAll("#inputs li").length === 3);
  const items = await page.$$eval("#inputs li", (v) => v.map((e) => e.textContent));
  assert.match(items[0], /cannot read "yesterday" as a time/);
  assert.match(items[1], /secret key.*keep the secret key private/);
  assert.match(items[2], /group Not A Group:.*lowercase segments/);
  assert.match(await page.textContent(".verdict .line"), /^NOT CHECKED: /);
  await page.screenshot({ path: join(shots, "bad-inputs.png"), fullPage: true });
  await page.close();
  console.log("ok   bad-inputs");
} catch (e) {
  failures++;
  console.log(`FAIL bad-inputs: ${e.message}`);
}

// Readable at 200 % zoom: at half the width nothing scrolls sideways; every
// field has a label; the trust root is remembered when asked to.
try {
  const page = await open({ width: 640, height: 900 });
  const c = cases.find((x) => x.name === "plus-basic-addon");
  await feed(page, c);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 200 % zoom`);
  const unlabelled = await page.$$eval("input, textarea", (v) => v.filter((e) => e.type !== "file" && !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
  await page.screenshot({ path: join(shots, "zoom-200.png"), fullPage: true });
  await page.check("#remember");
  await page.reload();
  await page.waitForSelector("body[data-ready='1']");
  assert.equal(await page.inputValue("#root"), c.root);
  await page.close();
  console.log("ok   zoom-200-labels-remembered-root");
} catch (e) {
  failures++;
  console.log(`FAIL zoom-200-labels-remembered-root: ${e.message}`);
}

// Files dropped onto the page (not picked) give the same report, and the
// fields are reached with the keyboard alone, in reading order.
try {
  const c = cases.find((x) => x.name === "plus-basic-addon");
  const want = cli(c);
  const page = await open();
  await page.fill("#root", c.root);
  await page.fill("#group", c.group);
  await page.fill("#time", "@" + now);
  const runs = Number(await page.getAttribute("body", "data-runs"));
  const dropped = c.files.map((f) => ({ name: f, bytes: [...readFileSync(join(fixtures, f))] }));
  const transfer = await page.evaluateHandle((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return dt;
  }, dropped);
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
  await page.waitForFunction((n) => Number(document.body.dataset.runs) > n && document.querySelectorAll(".verdict").length === 3, runs);
  assert.deepEqual(JSON.parse(await page.textContent("#json")), want.doc, "dropped files: the page's JSON differs from licet inspect --json");
  await page.focus("#paste");
  const order = ["paste"];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement.id));
  }
  assert.deepEqual(order, ["paste", "files", "root", "remember", "group", "device", "time", "inspect", "clear"]);
  await page.close();
  console.log("ok   dropped-files-and-keyboard");
} catch (e) {
  failures++;
  console.log(`FAIL dropped-files-and-keyboard: ${e.message.split("\n").slice(0, 12).join("\n")}`);
}

await browser.close();
rmSync(home, { recursive: true, force: true });
writeFileSync(join(repo, "target", "web", "timings.json"), JSON.stringify({ verdict_ms: timings, startup_ms: startups }, null, 2) + "\n");
if (errors.length) {
  failures++;
  console.log("FAIL console errors:\n  " + errors.join("\n  "));
}
if (failures) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log(`all checks passed; first verdict after the files: ${Object.values(timings).join(", ")} ms; page ready after ${startups.join(", ")} ms`);

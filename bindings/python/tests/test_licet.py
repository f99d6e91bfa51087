"""The Python binding on licenses `licet` minted for this run
(scripts/mint-fixtures.sh), checked against what the CLI says about the
same files: the binding must never drift from the panel or the CLI.

Environment: LICET_FIXTURES (the minted folder), LICET_BIN (the licet CLI).
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

import licet

FIXTURES = Path(os.environ["LICET_FIXTURES"])
LICET = os.environ["LICET_BIN"]
GROUP = (FIXTURES / "group").read_text().strip()
NOW = int((FIXTURES / "now").read_text())
DAY = 86_400
ROOT_HEX = (FIXTURES / "root.hex").read_text().strip()
ROOT = licet.root_key(ROOT_HEX)
VENDOR_PUB = FIXTURES / "keys" / "vendor.pub"


def lic(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def cli_json(*args: str) -> dict:
    r = subprocess.run([LICET, *args], capture_output=True, text=True, check=False)
    return json.loads(r.stdout)


def test_root_keys_from_pem_hex_and_bytes():
    assert licet.root_key(VENDOR_PUB.read_text()) == ROOT
    assert licet.root_key(ROOT) == ROOT
    assert licet.root_key(bytes.fromhex(ROOT_HEX)) == ROOT
    with pytest.raises(licet.LicetError) as e:
        licet.root_key((FIXTURES / "keys" / "vendor.key").read_text())
    assert "secret key" in e.value.message
    with pytest.raises(licet.LicetError):
        licet.root_key("not a key")


def test_valid_chain_matches_the_cli():
    ev = licet.verify(lic("chain3.lic"), [ROOT], GROUP, at=NOW)
    assert ev.valid and ev.tier == "plus"
    cli = cli_json("verify", str(FIXTURES / "chain3.lic"), "--trust", str(VENDOR_PUB),
                   "--group", GROUP, "--at", f"@{NOW}", "--json")
    ours = dict(ev.json)
    # File names differ (the CLI names the path); everything else is equal.
    for doc in (ours, cli):
        for entry in doc["licenses"]:
            entry.pop("file")
    assert ours == cli


@pytest.mark.parametrize(
    "case, code",
    [
        ("tampered", "bad_signature"),
        ("elsewhere", "wrong_group"),
        ("expired", "expired"),
        ("cut", "delegation_license"),
    ],
)
def test_rejections_carry_the_verifier_code(case, code):
    data, group, at = lic("chain3.lic"), GROUP, NOW
    if case == "tampered":
        data = bytearray(data)
        data[-10] ^= 1
        data = bytes(data)
    elif case == "elsewhere":
        group = "acme/dist-7/dealer-3/complex-12/bldg-9"
    elif case == "expired":
        at = NOW + 400 * DAY
    elif case == "cut":
        data = lic("building.lic")
    with pytest.raises(licet.LicetError) as e:
        licet.verify(data, [ROOT], group, at=at)
    assert e.value.code == code and e.value.hint


def test_plus_basic_addon_and_the_fallback():
    files = [lic("plus.lic"), lic("basic.lic"), lic("addon.lic")]
    ev = licet.evaluate(files, [ROOT], GROUP, at=NOW)
    assert ev.tier == "plus" and ev.base == 0 and ev.warning
    assert ev.has_feature("intercom_api")
    assert ev.next_change is not None and ev.next_change[1] == 0
    later = licet.evaluate(files, [ROOT], GROUP, at=NOW + 21 * DAY)
    assert later.tier == "basic" and later.base == 1
    cli = cli_json("verify", *(str(FIXTURES / f) for f in ("plus.lic", "basic.lic", "addon.lic")),
                   "--trust", str(VENDOR_PUB), "--group", GROUP, "--at", f"@{NOW}", "--json")
    assert ev.json["effective"] == cli["effective"]
    assert ev.quotas == {n: q["value"] for n, q in cli["effective"]["quotas"].items()}


def test_each_license_counts_once():
    one = licet.evaluate([lic("addon.lic"), lic("plus.lic")], [ROOT], GROUP, at=NOW)
    seven = licet.evaluate([lic("addon.lic")] * 7 + [lic("plus.lic")], [ROOT], GROUP, at=NOW)
    assert seven.quotas == one.quotas
    assert [e["error"]["code"] for e in seven.licenses[1:7]] == ["duplicate_license"] * 6


def test_builtin_basic_and_the_floor():
    ev = licet.evaluate([], [ROOT], GROUP, at=NOW,
                        builtin_basic='quotas = { sip_numbers = 2 }\nfeatures = ["video"]\n')
    assert ev.valid and ev.base == "builtin" and ev.quota("sip_numbers") == 2
    # A clock set back more than a day behind the floor: evaluated at the floor.
    back = licet.evaluate([lic("basic.lic")], [ROOT], GROUP, at=NOW - 10 * DAY, floor=NOW)
    assert back.clock_rollback and back.json["at"] == NOW and back.tier == "basic"


def test_inspect_matches_the_cli_and_reads_pasted_text():
    report = licet.inspect(lic("chain3.lic"), [ROOT], GROUP, at=NOW)
    assert report["verdict"].startswith("VALID for " + GROUP)
    cli = cli_json("inspect", str(FIXTURES / "chain3.lic"), "--trust", str(VENDOR_PUB),
                   "--group", GROUP, "--at", f"@{NOW}", "--json", "--ledger", str(FIXTURES / "ledger.sqlite"))
    theirs = cli["files"][0]
    for doc in (report, theirs):
        doc.pop("file")
        for link in doc["links"]:
            link.pop("ledger", None)
    assert report == theirs
    pasted = "Hello,\r\n" + "".join("> " + line + "\r\n" for line in
                                    (FIXTURES / "armored.txt").read_text().splitlines())
    assert licet.dearmor(pasted) == licet.dearmor((FIXTURES / "armored.txt").read_text())
    broken = licet.inspect((FIXTURES / "armored.txt").read_text()[:200])
    assert broken["verdict"].startswith("REJECTED: license: the END line is missing")


def test_usage_errors_raise():
    with pytest.raises(licet.LicetError) as e:
        licet.evaluate([lic("chain3.lic")], [ROOT], "Not A Group", at=NOW)
    assert e.value.code == "usage"
    with pytest.raises(licet.LicetError):
        licet.evaluate([lic("chain3.lic")], [], GROUP)
    # A device id is checked as the CLI's --device-id is.
    with pytest.raises(licet.LicetError) as e:
        licet.evaluate([lic("chain3.lic")], [ROOT], GROUP, at=NOW, device_id="has space")
    assert e.value.code == "usage" and "invalid device id" in e.value.message


def _cases():
    table = Path(__file__).resolve().parents[3] / "tests" / "conformance" / "cases.tsv"
    for line in table.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        assert len(cols) == 9, line
        yield pytest.param(cols, id=cols[0])


@pytest.mark.parametrize("cols", list(_cases()))
def test_conformance_table(cols):
    """The table the Rust and C tests check (tests/conformance/cases.tsv)."""
    name, files, group, at, floor, base, tier, status, rollback = cols
    ev = licet.evaluate([lic(f) for f in files.split(",")], [ROOT],
                        GROUP if group == "-" else group, at=NOW + int(at) * DAY,
                        floor=0 if floor == "-" else NOW + int(floor) * DAY)
    got_base = "none" if ev.base is None else str(ev.base)
    got_status = ["ok" if e["valid"] else e["error"]["code"] for e in ev.licenses]
    assert (got_base, ev.tier or "none", got_status, ev.clock_rollback) == \
        (base, tier, status.split(","), rollback == "yes"), name

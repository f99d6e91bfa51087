"""Interop: independent implementations read and check licet files.

* pycose verifies every link of a license the real `licet` binary minted,
  each with the key its parent names in cnf (the root link with the
  vendor's exported key); cbor2 decodes the container and claims as
  docs/FORMAT.md describes.
* The other way: a chain built and signed here, following docs/FORMAT.md
  only, verifies with `licet verify`; the same chain with one claim changed
  does not.
* OpenSSL verifies a signature licet made over a link's Sig_structure.

Run by .ci/run in a virtualenv (pycose, cbor2, pytest from PyPI). The
`licet` binary is $LICET_BIN (default target/debug/licet).
"""

import base64
import hashlib
import os
import subprocess
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

ROOT = Path(__file__).resolve().parents[2]
LICET = os.environ.get("LICET_BIN", str(ROOT / "target" / "debug" / "licet"))
NOW = 1798761600  # 2027-01-01


def licet(tmp, *args, check=True):
    env = dict(os.environ, LICET_LEDGER=str(tmp / "ledger.sqlite"))
    env.pop("LICET_PASSPHRASE", None)
    r = subprocess.run([LICET, *args], cwd=tmp, env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"licet {args}: {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def dearmor(text):
    lines = [l.strip() for l in text.strip().splitlines()]
    assert lines[0] == "-----BEGIN LICET LICENSE-----" and lines[-1] == "-----END LICET LICENSE-----"
    assert all(len(l) <= 64 for l in lines[1:-1])
    return base64.b64decode("".join(lines[1:-1]), validate=True)


def kid(x):
    """docs/FORMAT.md §3: first 8 bytes of the RFC 9679 thumbprint."""
    return hashlib.sha256(cbor2.dumps({1: 1, -1: 6, -2: x})).digest()[:8]


@pytest.fixture(scope="module")
def minted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("minted")
    licet(tmp, "ledger", "init")
    for who in ("vendor", "dist", "dealer"):
        licet(tmp, "key", "generate", "--out", who, "--unencrypted")
    licet(tmp, "issue", "--key", "vendor.key", "--subject", "acme/dist-7", "--delegate", "dist.pub",
          "--quota", "sip_numbers=100", "--quota", "door_codes=unlimited", "--feature", "video",
          "--role", "concierge=guest_passes", "--not-before", "2026-06-01", "--expires", "2030-01-01",
          "--out", "dist.lic")
    licet(tmp, "issue", "--key", "dist.key", "--parent", "dist.lic", "--subject", "acme/dist-7/dealer-3",
          "--delegate", "dealer.pub", "--quota", "sip_numbers=40", "--out", "dealer.lic")
    licet(tmp, "issue", "--key", "dealer.key", "--parent", "dealer.lic", "--subject",
          "acme/dist-7/dealer-3/complex-1", "--quota", "sip_numbers=10", "--device", "panel-9",
          "--remind", "14d", "--out", "complex.lic")
    root_x = bytes.fromhex(licet(tmp, "key", "export", "vendor.pub").stdout.strip())
    return tmp, root_x


def test_pycose_verifies_every_link_of_a_minted_license(minted):
    tmp, root_x = minted
    raw = dearmor((tmp / "complex.lic").read_text())
    container = cbor2.loads(raw)
    assert container[0] == 1 and len(container[1]) == 3
    key_x = root_x
    prev_claims = None
    for i, link in enumerate(container[1]):
        assert isinstance(link, cbor2.CBORTag) and link.tag == 18
        msg = Sign1Message.decode(cbor2.dumps(link))
        # Protected header: exactly alg EdDSA and kid; unprotected empty.
        assert cbor2.loads(link.value[0]) == {1: -8, 4: kid(key_x)}
        assert link.value[1] == {}
        msg.key = OKPKey(crv=Ed25519, x=key_x)
        assert msg.verify_signature(), f"link {i}"
        # One changed payload byte breaks it.
        bad = Sign1Message.decode(cbor2.dumps(link))
        bad.payload = bytes([link.value[2][0]]) + bytes([link.value[2][1] ^ 1]) + link.value[2][2:]
        bad.key = OKPKey(crv=Ed25519, x=key_x)
        assert not bad.verify_signature()
        claims = cbor2.loads(msg.payload)
        assert set(claims) <= {1, 2, 4, 5, 6, 7, 8, -65537}
        assert isinstance(claims[7], bytes) and len(claims[7]) == 8
        licet_claims = claims[-65537]
        assert licet_claims[2] == 3  # tier plus
        if prev_claims is None:
            assert 1 not in licet_claims
        else:
            assert licet_claims[1] == prev_claims[7]  # parent serial
            assert claims[1] == prev_claims[2]        # iss = parent's sub
        if 8 in claims:
            cose_key = claims[8][1]
            assert cose_key[1] == 1 and cose_key[-1] == 6
            key_x = cose_key[-2]
        prev_claims = claims
    leaf = prev_claims
    assert leaf[2] == "acme/dist-7/dealer-3/complex-1"
    assert leaf[-65537][4] == {1: 10}            # sip_numbers by its well-known code
    assert leaf[-65537][8] == ["panel-9"]        # device binding
    assert leaf[-65537][9] == 14 * 86400         # reminder window
    root = cbor2.loads(container[1][0].value[2])
    assert root[-65537][4] == {1: 100, "door_codes": None}
    assert root[-65537][6] == {"concierge": ["guest_passes"]}
    # The encoding is deterministic: cbor2's canonical form of the decoded
    # root payload is byte for byte what licet wrote.
    assert cbor2.dumps(root, canonical=True) == container[1][0].value[2]


def test_openssl_verifies_a_licet_signature(minted):
    tmp, _ = minted
    raw = dearmor((tmp / "dist.lic").read_text())
    link = cbor2.loads(raw)[1][0]
    protected, _, payload, signature = link.value
    tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    (tmp / "tbs.bin").write_bytes(tbs)
    (tmp / "sig.bin").write_bytes(signature)
    r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "vendor.pub", "-rawin",
                        "-in", "tbs.bin", "-sigfile", "sig.bin"], cwd=tmp, capture_output=True, text=True)
    assert r.returncode == 0 and "Signature Verified Successfully" in r.stdout, r.stdout + r.stderr
    (tmp / "tbs.bin").write_bytes(tbs[:-1] + bytes([tbs[-1] ^ 1]))
    r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "vendor.pub", "-rawin",
                        "-in", "tbs.bin", "-sigfile", "sig.bin"], cwd=tmp, capture_output=True, text=True)
    assert r.returncode != 0


def raw_x(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def python_link(signer, claims):
    """A link built from docs/FORMAT.md alone, signed here."""
    protected = cbor2.dumps({1: -8, 4: kid(raw_x(signer))}, canonical=True)
    payload = cbor2.dumps(claims, canonical=True)
    tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    return cbor2.CBORTag(18, [protected, {}, payload, signer.sign(tbs)])


def python_chain(change_claim=False):
    vendor, dist = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    root_claims = {
        1: "acme", 2: "acme/dist-7", 4: NOW + 365 * 86400, 5: NOW - 86400, 6: NOW - 86400,
        7: b"\x01" * 8, 8: {1: {1: 1, -1: 6, -2: raw_x(dist)}},
        -65537: {2: 3, 4: {1: 50, 2: 100}, 5: ["video", "door_api"], 7: 2},
    }
    leaf_claims = {
        1: "acme/dist-7", 2: "acme/dist-7/b1", 4: NOW + 30 * 86400, 5: NOW - 86400, 6: NOW - 3600,
        7: b"\x02" * 8, -65537: {1: b"\x01" * 8, 2: 3, 4: {1: 5}, 5: ["video"]},
    }
    links = [python_link(vendor, root_claims), python_link(dist, leaf_claims)]
    if change_claim:
        # Raise the leaf's quota after signing: one claim changed.
        leaf = links[1].value
        claims = cbor2.loads(leaf[2])
        claims[-65537][4][1] = 6
        leaf[2] = cbor2.dumps(claims, canonical=True)
    return cbor2.dumps([1, links]), vendor


@pytest.mark.parametrize("change_claim", [False, True])
def test_chain_built_in_python_verifies_in_licet(tmp_path, change_claim):
    data, vendor = python_chain(change_claim)
    (tmp_path / "py.lic").write_bytes(data)
    (tmp_path / "vendor.pub").write_bytes(vendor.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    r = licet(tmp_path, "verify", "py.lic", "--trust", "vendor.pub", "--group", "acme/dist-7/b1",
              "--at", f"@{NOW}", "--json", check=False)
    import json
    out = json.loads(r.stdout)
    if change_claim:
        assert r.returncode == 1
        assert out["licenses"][0]["error"]["code"] == "bad_signature"
        assert out["licenses"][0]["error"]["link"] == 1
    else:
        assert r.returncode == 0, r.stdout + r.stderr
        assert out["effective"]["quotas"]["sip_numbers"]["value"] == 5
        assert out["effective"]["quotas"]["app_installs"]["value"] == 100
        assert out["effective"]["features"] == {"video": 0}

#!/usr/bin/env bash
# Mints the license files the C test and the firmware check, with the real
# `licet` CLI: a vendor → distributor → dealer → complex → building →
# apartment hierarchy, and chains of 1, 3 and 5 links for the apartment's
# panel.
#
#   scripts/mint-fixtures.sh OUT_DIR        (LICET_BIN: the licet binary,
#                                            default target/debug/licet)
#
# OUT_DIR receives (binary license files unless noted):
#   root.hex                the vendor's public key, 64 hex digits
#   chain1.lic              1 link: vendor → building, Plus, one year
#   chain3.lic              3 links: vendor → distributor → dealer → building
#   chain5.lic              5 links: … → complex → building → apartment
#   plus.lic, basic.lic     4 links each, for the building: Plus ending in
#                           20 days (inside its 30-day reminder), Basic without end
#   addon.lic               add-on for the building: +4 app_installs, feature "intercom_api"
#   armored.txt             1 link, Basic, in the text armor
#   dist.lic, dealer.lic,   the delegation licenses above the building: each
#   complex.lic,            is a prefix of chain5.lic (and of plus/basic/addon),
#   building.lic            and no panel may accept one
#   poison.lic              Basic for the building, valid now, that says it was
#                           minted in ten years (an issuer with a wrong clock)
#   tampered.lic            chain3.lic with one bit of its last signature flipped
#   now                     the UNIX time the files were minted at
#   group                   the panel's group
set -euo pipefail
out=${1:?usage: mint-fixtures.sh OUT_DIR}
root_dir=$(cd "$(dirname "$0")/.." && pwd)
licet=${LICET_BIN:-$root_dir/target/debug/licet}
[ -x "$licet" ] || { echo "error: $licet not found; hint: cargo build -p licet-issuer" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/keys"
export LICET_LEDGER="$out/ledger.sqlite"
"$licet" ledger init >/dev/null
k="$out/keys"
for who in vendor dist dealer complex building; do
  "$licet" key generate --unencrypted --out "$k/$who" >/dev/null 2>&1
done
"$licet" key export "$k/vendor.pub" > "$out/root.hex"

dist=acme/dist-7
dealer=$dist/dealer-3
complex=$dealer/complex-12
building=$complex/bldg-2
apartment=$building/apt-14
all_features=(--feature video --feature door_api --feature remote_open --feature intercom_api)
issue() { "$licet" issue --binary "$@" >/dev/null; }

issue --key "$k/vendor.key" --subject "$dist" --delegate "$k/dist.pub" \
  --quota sip_numbers=1000 --quota app_installs=1000 --quota integrations=100 \
  "${all_features[@]}" --role concierge=guest_passes,door_log --out "$out/dist.lic"
issue --key "$k/dist.key" --parent "$out/dist.lic" --subject "$dealer" --delegate "$k/dealer.pub" \
  --quota sip_numbers=200 --quota app_installs=200 --quota integrations=20 --out "$out/dealer.lic"
issue --key "$k/dealer.key" --parent "$out/dealer.lic" --subject "$complex" --delegate "$k/complex.pub" \
  --quota sip_numbers=50 --quota app_installs=50 --quota integrations=5 --out "$out/complex.lic"
issue --key "$k/complex.key" --parent "$out/complex.lic" --subject "$building" --delegate "$k/building.pub" \
  --quota sip_numbers=10 --quota app_installs=10 --quota integrations=1 --expires +365d --out "$out/building.lic"

issue --key "$k/vendor.key" --subject "$building" --issuer acme \
  --quota sip_numbers=10 --quota app_installs=10 --feature video --feature door_api \
  --role concierge=guest_passes --expires +365d --out "$out/chain1.lic"
issue --key "$k/dealer.key" --parent "$out/dealer.lic" --subject "$building" \
  --quota sip_numbers=10 --quota app_installs=10 --quota integrations=1 --feature video --feature door_api \
  --role concierge=guest_passes --expires +365d --out "$out/chain3.lic"
issue --key "$k/building.key" --parent "$out/building.lic" --subject "$apartment" \
  --quota sip_numbers=2 --quota app_installs=4 --feature video --feature door_api \
  --role concierge=guest_passes --out "$out/chain5.lic"

issue --key "$k/complex.key" --parent "$out/complex.lic" --subject "$building" --tier plus \
  --quota sip_numbers=10 --quota app_installs=10 --quota integrations=1 --feature video --feature door_api --feature remote_open \
  --role concierge=door_log --expires +20d --out "$out/plus.lic"
issue --key "$k/complex.key" --parent "$out/complex.lic" --subject "$building" --tier basic \
  --quota sip_numbers=2 --quota app_installs=2 --quota integrations=0 --feature video --out "$out/basic.lic"
issue --key "$k/complex.key" --parent "$out/complex.lic" --subject "$building" --addon \
  --quota app_installs=4 --feature intercom_api --out "$out/addon.lic"

# Minted "in ten years" but valid from now: panels refuse it, and it cannot
# push their time floor forward.
issue --key "$k/complex.key" --parent "$out/complex.lic" --subject "$building" --tier basic \
  --quota sip_numbers=1 --quota app_installs=0 --quota integrations=0 --now +3650d --not-before "@$(date +%s)" --out "$out/poison.lic"

# The same kind of license in the text armor, for licet_dearmor.
"$licet" issue --key "$k/vendor.key" --subject "$building" --issuer acme --tier basic \
  --quota sip_numbers=2 --out "$out/armored.txt" >/dev/null

# One bit of chain3.lic's last signature flipped (10 bytes from the end).
python3 - "$out/chain3.lic" "$out/tampered.lic" <<'EOP'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[-10] ^= 1
open(sys.argv[2], "wb").write(bytes(data))
EOP

date +%s > "$out/now"
echo "$apartment" > "$out/group"

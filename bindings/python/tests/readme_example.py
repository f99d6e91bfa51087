# Run in a folder that scripts/mint-fixtures.sh filled (the tests do).
import licet

root = licet.root_key(open("keys/vendor.pub").read())
group = open("group").read().strip()
held = [open(name, "rb").read() for name in ("plus.lic", "basic.lic")]
ev = licet.evaluate(held, trust=[root], group=group)
print(ev.tier, "sip_numbers=%s" % ev.quota("sip_numbers"), "video=%s" % ev.has_feature("video"),
      "warning=%s" % ev.warning)
report = licet.inspect(held[0], [root], group)
print(report["verdict"])

package licet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Java binding on licenses licet minted for this run (the C test's
 * fixtures), and the conformance table the Rust, C and Python tests check.
 *
 *   java -Djava.library.path=DIR -cp CLASSES licet.LicetTest FIXTURES CASES.tsv
 */
public final class LicetTest {
  private static final long DAY = 86_400;
  private static int checks;
  private static int failures;
  private static Path dir;

  private static void check(boolean ok, String what) {
    checks++;
    if (!ok) {
      failures++;
      System.out.println("FAIL " + what);
    }
  }

  private static byte[] file(String name) throws IOException {
    return Files.readAllBytes(dir.resolve(name));
  }

  private static String line(String name) throws IOException {
    return Files.readString(dir.resolve(name)).trim();
  }

  public static void main(String[] args) throws Exception {
    dir = Path.of(args[0]);
    String group = line("group");
    long now = Long.parseLong(line("now"));
    byte[] root = Licet.rootKey(line("root.hex"));
    List<byte[]> roots = List.of(root);

    check(Arrays.equals(Licet.rootKey(Files.readString(dir.resolve("keys/vendor.pub"))), root),
        "root key from the PEM public key");
    try {
      Licet.rootKey(Files.readString(dir.resolve("keys/vendor.key")));
      check(false, "a secret key is refused as a root");
    } catch (LicetException e) {
      check(e.code().equals("usage") && e.getMessage().contains("secret key"), "secret key: " + e.getMessage());
    }

    try (Evaluation ev = Licet.verify(file("chain3.lic"), roots, group, now)) {
      check("plus".equals(ev.tier()) && ev.base() == 0, "chain3 is Plus: " + ev.tier());
      check(ev.floor() >= now && ev.count() == 1, "floor and count");
    }
    try {
      Licet.verify(file("tampered.lic"), roots, group, now);
      check(false, "tampered accepted");
    } catch (LicetException e) {
      check(e.code().equals("bad_signature"), "tampered: " + e.code());
    }
    try {
      Licet.verify(file("chain3.lic"), roots, "acme/dist-7/dealer-3/complex-12/bldg-9", now);
      check(false, "wrong group accepted");
    } catch (LicetException e) {
      check(e.code().equals("wrong_group"), "wrong group: " + e.code());
    }

    LicenseInfo info = Licet.info(file("chain3.lic"));
    check(info.links == 3 && group.startsWith(info.subject + "/") && !info.delegates
        && info.serial.length() >= 16 && "plus".equals(info.tier), "info: " + info);
    check(Licet.info(file("dealer.lic")).delegates, "dealer.lic delegates");
    try {
      Licet.info("not a license".getBytes(StandardCharsets.UTF_8));
      check(false, "text without a license has no info");
    } catch (LicetException e) {
      check(e.code().equals("decode") && e.getMessage().contains("without a license in it"), "info of text: " + e.getMessage());
    }

    List<byte[]> set = List.of(file("plus.lic"), file("basic.lic"), file("addon.lic"));
    try (Evaluation ev = Licet.evaluate(set, roots, group, now, 0)) {
      check("plus".equals(ev.tier()) && ev.warning(), "Plus in effect, ending soon");
      check(ev.hasFeature("intercom_api") && ev.quota("app_installs") > 0, "the add-on adds");
      check(ev.quota("no_such_quota") == Evaluation.NOT_GRANTED, "an unknown quota is not granted");
      check(ev.nextChangeLicense() == 0 && ev.nextChangeAt() > now, "next change: Plus ends");
      check(ev.roleGrants("concierge").contains("door_log"), "concierge grants: " + ev.roleGrants("concierge"));
    }
    try (Evaluation later = Licet.evaluate(set, roots, group, now + 21 * DAY, 0)) {
      check("basic".equals(later.tier()) && later.base() == 1, "falls back to Basic");
      check("expired".equals(later.status(0)), "Plus expired: " + later.status(0));
    }
    // The answers are a copy: the arrays may be reused.
    byte[] reused = file("chain3.lic");
    try (Evaluation ev = Licet.evaluate(List.of(reused), roots, group, now, 0)) {
      Arrays.fill(reused, (byte) 0);
      check("plus".equals(ev.tier()) && "ok".equals(ev.status(0)), "answers survive the buffer");
    }

    // The conformance table.
    int cases = 0;
    for (String row : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
      if (row.startsWith("#") || row.isBlank()) {
        continue;
      }
      String[] c = row.split("\t", -1);
      List<byte[]> files = new ArrayList<>();
      for (String f : c[1].split(",")) {
        files.add(file(f));
      }
      String g = c[2].equals("-") ? group : c[2];
      long at = now + Long.parseLong(c[3]) * DAY;
      long floor = c[4].equals("-") ? 0 : now + Long.parseLong(c[4]) * DAY;
      try (Evaluation ev = Licet.evaluate(files, roots, g, at, floor)) {
        String base = ev.base() == -1 ? "none" : ev.base() == Evaluation.BUILTIN ? "builtin" : Integer.toString(ev.base());
        String tier = ev.tier() == null ? "none" : ev.tier();
        List<String> status = new ArrayList<>();
        for (int i = 0; i < ev.count(); i++) {
          status.add(ev.status(i));
        }
        boolean ok = base.equals(c[5]) && tier.equals(c[6]) && String.join(",", status).equals(c[7])
            && ev.clockRollback() == c[8].equals("yes");
        check(ok, "conformance " + c[0] + ": base " + base + " tier " + tier + " status " + status
            + " rollback " + ev.clockRollback());
      }
      cases++;
    }
    check(cases >= 12, "the conformance table has its cases");
    System.out.println("licet Java: " + checks + " checks (" + cases + " conformance cases), " + failures + " failed");
    System.exit(failures == 0 ? 0 : 1);
  }
}

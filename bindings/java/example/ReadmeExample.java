// Run in a folder that scripts/mint-fixtures.sh filled (the tests do).
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import licet.Evaluation;
import licet.Licet;

public class ReadmeExample {
  public static void main(String[] args) throws Exception {
    byte[] root = Licet.rootKey(Files.readString(Path.of("keys/vendor.pub")));
    String group = Files.readString(Path.of("group")).trim();
    List<byte[]> held = List.of(Files.readAllBytes(Path.of("plus.lic")),
                                Files.readAllBytes(Path.of("basic.lic")));
    long floor = 0; // what the panel persisted
    try (Evaluation ev = Licet.evaluate(held, List.of(root), group,
                                        Instant.now().getEpochSecond(), floor)) {
      System.out.println(ev.tier() + " sip_numbers=" + ev.quota("sip_numbers")
          + " video=" + ev.hasFeature("video") + " warning=" + ev.warning());
      floor = ev.floor(); // persist it
    }
  }
}

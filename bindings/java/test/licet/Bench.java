package licet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Times Licet.verify on one license, for scripts/bindings-bench.sh: prints
 * the median over the rounds of the mean time per verification, in ns.
 *
 *   java -Djava.library.path=DIR -cp CLASSES licet.Bench FIXTURES FILE ROUNDS ITERATIONS
 */
public final class Bench {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    byte[] license = Files.readAllBytes(dir.resolve(args[1]));
    int rounds = Integer.parseInt(args[2]);
    int iterations = Integer.parseInt(args[3]);
    List<byte[]> roots = List.of(Licet.rootKey(Files.readString(dir.resolve("root.hex")).trim()));
    String group = Files.readString(dir.resolve("group")).trim();
    long now = Long.parseLong(Files.readString(dir.resolve("now")).trim());
    long[] means = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        try (Evaluation ev = Licet.verify(license, roots, group, now)) {
          if (ev.base() != 0) {
            throw new AssertionError("not valid");
          }
        }
      }
      means[r] = (System.nanoTime() - start) / iterations;
    }
    Arrays.sort(means);
    System.out.println(means[rounds / 2]);
  }
}

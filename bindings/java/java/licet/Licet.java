package licet;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * licet for Java and Kotlin: the verifier panels run, over JNI
 * ({@code liblicet_jni}: {@code System.loadLibrary("licet_jni")}, so put it
 * on {@code java.library.path}, or in the APK's {@code jniLibs}).
 *
 * <pre>{@code
 * byte[] root = Licet.rootKey(Files.readString(Path.of("vendor.pub")));
 * try (Evaluation ev = Licet.evaluate(List.of(plus, basic), List.of(root), group,
 *                                     Instant.now().getEpochSecond(), floor)) {
 *   long sip = ev.quota("sip_numbers");
 *   floor = ev.floor();   // persist it
 * }
 * }</pre>
 */
public final class Licet {
  static {
    System.loadLibrary("licet_jni");
  }

  private Licet() {}

  /**
   * A trusted root key as its 32 bytes, from the text of a {@code .pub} file
   * (SPKI PEM), 64 hex digits (the firmware constant) or the raw 32 bytes.
   */
  public static byte[] rootKey(String text) throws LicetException {
    return rootKey(text.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #rootKey(String)}, from bytes. */
  public static byte[] rootKey(byte[] data) throws LicetException {
    return rootKey0(data);
  }

  /**
   * Evaluates the licenses (text as pasted, or binary) a panel of {@code
   * group} holds at {@code now} (UNIX seconds), with the time floor it
   * persisted (0 for none): the base license, the add-ons, each license
   * counted once, the fallback to Basic. A rejected license does not throw:
   * {@link Evaluation#status} says why.
   */
  public static Evaluation evaluate(List<byte[]> licenses, List<byte[]> roots, String group,
      long now, long floor) throws LicetException {
    return evaluate(licenses, roots, group, null, now, floor);
  }

  /** As {@link #evaluate(List, List, String, long, long)}, for a panel with its own device id. */
  public static Evaluation evaluate(List<byte[]> licenses, List<byte[]> roots, String group,
      String deviceId, long now, long floor) throws LicetException {
    byte[][] l = licenses.toArray(new byte[0][]);
    byte[][] r = roots.toArray(new byte[0][]);
    return new Evaluation(evaluate0(l, r, group, deviceId, now, floor));
  }

  /**
   * Verifies one license for a panel of {@code group} at {@code now}; throws
   * {@link LicetException} with the verifier's code when it is refused.
   */
  public static Evaluation verify(byte[] license, List<byte[]> roots, String group, long now)
      throws LicetException {
    Evaluation ev = evaluate(List.of(license), roots, group, now, 0);
    String status = ev.status(0);
    if (!"ok".equals(status)) {
      String message = ev.statusMessage(0);
      ev.close();
      throw new LicetException(status, message,
          "run `licet inspect` on the file to see every problem");
    }
    return ev;
  }

  /**
   * What a license (text as pasted, or binary) says about itself, without
   * checking it: serial, subject, issuer, tier, kind, validity.
   */
  public static LicenseInfo info(byte[] license) throws LicetException {
    return new LicenseInfo(info0(license));
  }

  private static native String[] info0(byte[] license) throws LicetException;

  // Both throw LicetException (thrown by the native side).
  private static native byte[] rootKey0(byte[] data) throws LicetException;

  private static native long evaluate0(byte[][] licenses, byte[][] roots, String group,
      String deviceId, long now, long floor) throws LicetException;
}

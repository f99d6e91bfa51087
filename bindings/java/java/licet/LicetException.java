package licet;

/**
 * A license or a call that licet refused. {@link #code()} is the verifier's
 * code ({@code expired}, {@code wrong_group}, {@code bad_signature}, ...; the
 * same as {@code licet verify --json} and {@code licet_error_name} in C) or
 * {@code usage}; {@link #hint()} says what to do.
 */
public final class LicetException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;
  private final String hint;

  /** Thrown by the native side as "code NUL message NUL hint". */
  LicetException(String packed) {
    this(packed.split("\u0000", -1));
  }

  private LicetException(String[] parts) {
    this(part(parts, 0), part(parts, 1), part(parts, 2));
  }

  /** A refusal with its code, message and what to do. */
  public LicetException(String code, String message, String hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }

  private static String part(String[] parts, int i) {
    return i < parts.length ? parts[i] : "";
  }

  /** The verifier's code, or {@code usage}. */
  public String code() {
    return code;
  }

  /** What to do about it. */
  public String hint() {
    return hint;
  }
}

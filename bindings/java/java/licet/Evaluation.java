package licet;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a panel may do with the licenses it holds, as licet's verifier
 * computed it ({@link Licet#evaluate}). The answers are a copy: the license
 * arrays may be reused at once. Close it (try-with-resources) to free the
 * native copy; an evaluation is safe to share between threads, and any
 * call after {@link #close} throws {@link IllegalStateException}.
 */
public final class Evaluation implements AutoCloseable {
  /** {@link #quota} of a quota without limit. */
  public static final long UNLIMITED = Long.MAX_VALUE;
  /** {@link #quota} of a quota not granted. */
  public static final long NOT_GRANTED = -1;
  /** {@link #base} when the firmware's built-in Basic is the base. */
  public static final int BUILTIN = -2;

  private long handle;

  Evaluation(long handle) {
    this.handle = handle;
  }

  private long handle() {
    if (handle == 0) {
      throw new IllegalStateException("the evaluation was closed");
    }
    return handle;
  }

  /** {@code plus}, {@code trial}, {@code basic}, or {@code null} when nothing is in effect. */
  public synchronized String tier() {
    String t = tier0(handle());
    return t.isEmpty() ? null : t;
  }

  /** True when a license is in effect. */
  public synchronized boolean valid() {
    return base() != -1;
  }

  /** Index of the base license in effect; {@link #BUILTIN}; -1 when none is. */
  public synchronized int base() {
    return base0(handle());
  }

  /** A quota in effect: its count, {@link #UNLIMITED}, or {@link #NOT_GRANTED}. */
  public synchronized long quota(String name) {
    return quota0(handle(), name);
  }

  /** The names of the quotas in effect. */
  public synchronized Set<String> quotaNames() {
    return set(quotaNames0(handle()));
  }

  /** The features everyone in the group may use. */
  public synchronized Set<String> features() {
    return set(features0(handle()));
  }

  /** Whether {@code feature} is in effect for everyone in the group. */
  public synchronized boolean hasFeature(String feature) {
    return features().contains(feature);
  }

  /** What {@code role} (concierge, technical manager, ...) may use beyond the features. */
  public synchronized Set<String> roleGrants(String role) {
    return set(roleGrants0(handle(), role));
  }

  /** True when the base license ends within its reminder window. */
  public synchronized boolean warning() {
    return warning0(handle());
  }

  /** True when the clock was more than 24 h behind the floor: evaluated at the floor. */
  public synchronized boolean clockRollback() {
    return clockRollback0(handle());
  }

  /** The time floor to persist (UNIX seconds). */
  public synchronized long floor() {
    return number0(handle(), 0);
  }

  /** The time the evaluation was made at (UNIX seconds). */
  public synchronized long now() {
    return number0(handle(), 1);
  }

  /** When the evaluation changes next (UNIX seconds), or -1. */
  public synchronized long nextChangeAt() {
    return number0(handle(), 2);
  }

  /** The license whose start or end is the next change, or -1. */
  public synchronized int nextChangeLicense() {
    return (int) number0(handle(), 3);
  }

  /** How many licenses were evaluated. */
  public synchronized int count() {
    return (int) number0(handle(), 4);
  }

  /** License {@code index}'s status: {@code ok} or the verifier's code. */
  public synchronized String status(int index) {
    String[] s = status0(handle(), index);
    return s.length > 0 ? s[0] : null;
  }

  /** License {@code index}'s status as a message for people. */
  public synchronized String statusMessage(int index) {
    String[] s = status0(handle(), index);
    return s.length > 1 ? s[1] : null;
  }

  @Override
  public synchronized void close() {
    if (handle != 0) {
      free0(handle);
      handle = 0;
    }
  }

  private static Set<String> set(String[] items) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(items)));
  }

  private static native void free0(long handle);

  private static native String tier0(long handle);

  private static native int base0(long handle);

  private static native long quota0(long handle, String name);

  private static native String[] quotaNames0(long handle);

  private static native String[] features0(long handle);

  private static native String[] roleGrants0(long handle, String role);

  private static native boolean warning0(long handle);

  private static native boolean clockRollback0(long handle);

  private static native long number0(long handle, int which);

  private static native String[] status0(long handle, int index);
}

package licet;

/**
 * What a license says about itself ({@link Licet#info}), read without
 * checking it: for a panel's screen or for quoting to support. Whether it
 * is valid is {@link Licet#verify}'s answer.
 */
public final class LicenseInfo {
  /** The serial of its leaf link, in hex (as {@code licet inspect} shows it). */
  public final String serial;
  /** The group it is for, e.g. {@code acme/dist-7/dealer-3/complex-12}. */
  public final String subject;
  /** The group that issued it. */
  public final String issuer;
  /** {@code plus}, {@code trial} or {@code basic}. */
  public final String tier;
  /** {@code license} or {@code add-on}. */
  public final String kind;
  /** True when it delegates: it lets its holder mint, it licenses no panel. */
  public final boolean delegates;
  /** Start of validity (UNIX seconds). */
  public final long notBefore;
  /** End of validity (UNIX seconds), 0 for no end date. */
  public final long notAfter;
  /** When it was minted (UNIX seconds). */
  public final long issuedAt;
  /** Links in its chain, root included. */
  public final int links;

  LicenseInfo(String[] f) {
    serial = f[0];
    subject = f[1];
    issuer = f[2];
    tier = f[3];
    kind = f[4];
    delegates = !f[5].isEmpty();
    notBefore = Long.parseLong(f[6]);
    notAfter = Long.parseLong(f[7]);
    issuedAt = Long.parseLong(f[8]);
    links = Integer.parseInt(f[9]);
  }

  @Override
  public String toString() {
    return tier + " " + kind + " " + serial + " for " + subject + " from " + issuer;
  }
}

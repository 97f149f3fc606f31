package io.reconcile.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that may reach logs, reports or the audit trail. Every place reconcile
 * shows a URI or a property goes through here.
 */
public final class Redaction {

  /** What a secret is replaced by. */
  public static final String MASK = "***";

  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/?#@:]*):[^/?#@]*@");
  private static final Pattern PARAMETER = Pattern.compile("([?&;])([^=&;?#]+)=([^&;#]*)");

  private Redaction() {}

  /**
   * Whether a property or parameter name suggests that its value is a secret: it mentions a
   * password, secret, token or credential, or ends in "key".
   */
  public static boolean isSecretName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("password")
        || n.contains("passwd")
        || n.equals("pwd")
        || n.contains("secret")
        || n.contains("token")
        || n.contains("credential")
        || n.endsWith("key");
  }

  /**
   * A URI with its secrets masked: the password in {@code user:password@host}, and the value of
   * every query or {@code ;}-separated parameter with a {@link #isSecretName secret name}. Works on
   * JDBC URLs ({@code jdbc:h2:mem:x;PASSWORD=…}) as well as on ordinary URIs.
   */
  public static String uri(String uri) {
    String s = USER_INFO_PASSWORD.matcher(uri).replaceAll("$1:" + Matcher.quoteReplacement(MASK) + "@");
    Matcher m = PARAMETER.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement =
          isSecretName(m.group(2)) ? m.group(1) + m.group(2) + "=" + MASK : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}

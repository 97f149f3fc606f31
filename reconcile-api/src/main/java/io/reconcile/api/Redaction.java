package io.reconcile.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that may reach logs, reports or the audit trail. Every place reconcile
 * shows a URI or a property goes through here.
 *
 * <p>Two tools, meant to be used together: {@link #uri} masks the secrets of a URI by its syntax,
 * for showing the URI itself; {@link #scrub} masks known secret values wherever they occur, for
 * free text such as a driver's error message, which may quote a password in any shape. {@link
 * #secretsIn} lists the secret values a URI holds, so that they can be scrubbed from such text.
 */
public final class Redaction {

  /** What a secret is replaced by. */
  public static final String MASK = "***";

  /** A parameter: {@code ?name=}, {@code &name=} or {@code ;name=}. */
  private static final Pattern PARAMETER = Pattern.compile("([?&;])([^=&;?#\\s]+)=");

  /** What may follow the {@code @} of user-info: a host (name, IPv4, [IPv6]) and a port. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._~%\\-\\[\\]:]+");

  /** A port followed by a path: {@code host:5432/db}, not a password. */
  private static final Pattern PORT_THEN_PATH = Pattern.compile("\\d{1,5}(/.*)?", Pattern.DOTALL);

  /** Oracle's {@code thin:user/password@host}. */
  private static final Pattern SLASH_CREDENTIALS = Pattern.compile("(?i)thin:[^/@:\\s]+/");

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
   * A URI with its secrets masked: the password of user-info ({@code //user:password@host}, whatever
   * characters the password holds, up to the last {@code @} that a host follows), Oracle-style
   * {@code user/password@host}, and the value of every query or {@code ;}-separated parameter with
   * a {@link #isSecretName secret name} — up to the next {@code &} or {@code ;}, or to the closing
   * quote or brace of a value written as {@code '…'}, {@code "…"} or <code>{…}</code>. Works on
   * JDBC URLs ({@code jdbc:h2:mem:x;PASSWORD=…}) as well as on ordinary URIs. Errs on the side of
   * masking too much.
   */
  public static String uri(String uri) {
    List<int[]> spans = secretSpans(uri);
    StringBuilder out = new StringBuilder(uri.length());
    int at = 0;
    for (int[] s : spans) {
      out.append(uri, at, s[0]).append(MASK);
      at = s[1];
    }
    return out.append(uri, at, uri.length()).toString();
  }

  /**
   * The secret values {@code uri} holds, as {@link #uri} finds them: each as written and, when it
   * differs, percent-decoded and without its quotes, so that {@link #scrub} finds them in whatever
   * form a driver repeats them. Empty values are left out.
   */
  public static Set<String> secretsIn(String uri) {
    Set<String> out = new LinkedHashSet<>();
    for (int[] s : secretSpans(uri)) {
      String raw = uri.substring(s[0], s[1]);
      addForms(out, raw);
      if (raw.length() >= 2 && "'\"{".indexOf(raw.charAt(0)) >= 0) {
        addForms(out, raw.substring(1, raw.length() - 1));
      }
    }
    return out;
  }

  private static void addForms(Set<String> out, String value) {
    if (!value.isEmpty()) {
      out.add(value);
      String decoded = percentDecoded(value);
      if (!decoded.isEmpty()) {
        out.add(decoded);
      }
    }
  }

  /**
   * The text with every occurrence of each secret replaced by {@link #MASK}, longer secrets first
   * (so a secret that contains another is masked whole). Nothing else of the text changes, so a
   * message keeps what it says about a wrong port or a missing database.
   */
  public static String scrub(String text, Collection<String> secrets) {
    List<String> bySize = new ArrayList<>(secrets);
    bySize.removeIf(String::isEmpty);
    bySize.sort(Comparator.comparingInt(String::length).reversed());
    String out = text;
    for (String s : bySize) {
      out = out.replace(s, MASK);
    }
    return out;
  }

  /** The [start, end) spans of secret values in {@code uri}, ascending and not overlapping. */
  private static List<int[]> secretSpans(String uri) {
    List<int[]> spans = new ArrayList<>();
    int[] userInfo = userInfoPassword(uri);
    if (userInfo != null) {
      spans.add(userInfo);
    }
    Matcher m = PARAMETER.matcher(uri);
    int from = 0;
    while (from < uri.length() && m.find(from)) {
      int start = m.end();
      int end = valueEnd(uri, start);
      if (isSecretName(m.group(2)) && !inside(spans, m.start())) {
        spans.add(new int[] {start, end});
      }
      from = Math.max(end, m.start() + 1);
    }
    spans.sort(Comparator.comparingInt(s -> s[0]));
    List<int[]> merged = new ArrayList<>();
    for (int[] s : spans) {
      if (!merged.isEmpty() && s[0] <= merged.get(merged.size() - 1)[1]) {
        merged.get(merged.size() - 1)[1] = Math.max(merged.get(merged.size() - 1)[1], s[1]);
      } else if (s[1] > s[0]) {
        merged.add(s);
      }
    }
    return merged;
  }

  private static boolean inside(List<int[]> spans, int index) {
    return spans.stream().anyMatch(s -> index >= s[0] && index < s[1]);
  }

  /**
   * Where a parameter's value starting at {@code start} ends: at the quote or brace closing a
   * quoted value, else at the next {@code &} or {@code ;} (a {@code #} is taken as part of it).
   */
  private static int valueEnd(String uri, int start) {
    if (start < uri.length()) {
      char open = uri.charAt(start);
      char close = open == '{' ? '}' : open;
      if (open == '\'' || open == '"' || open == '{') {
        int end = uri.indexOf(close, start + 1);
        return end < 0 ? uri.length() : end + 1;
      }
    }
    int end = start;
    while (end < uri.length() && uri.charAt(end) != '&' && uri.charAt(end) != ';') {
      end++;
    }
    return end;
  }

  /**
   * The span of a password in user-info, {@code //user:PASSWORD@host} or {@code thin:user/PASSWORD@host}:
   * up to the last {@code @} followed by a host, so that a password holding {@code @}, {@code /}
   * or {@code ?} is masked whole; null if there is none.
   */
  private static int @org.jspecify.annotations.Nullable [] userInfoPassword(String uri) {
    int begin;
    char separator;
    int slashes = uri.indexOf("//");
    Matcher oracle = SLASH_CREDENTIALS.matcher(uri);
    if (oracle.find() && (slashes < 0 || oracle.start() < slashes)) {
      begin = oracle.end() - 1;
      separator = '/';
    } else if (slashes >= 0) {
      begin = slashes + 2;
      separator = ':';
    } else {
      return null;
    }
    int colon = uri.indexOf(separator, begin);
    if (colon < 0) {
      return null;
    }
    String user = uri.substring(begin, colon);
    if (separator == ':' && (user.contains("/") || user.contains("?") || user.contains("@") || user.contains(";"))) {
      return null;
    }
    for (int at = uri.lastIndexOf('@'); at > colon; at = uri.lastIndexOf('@', at - 1)) {
      int hostStart = separator == '/' && uri.startsWith("//", at + 1) ? at + 3 : at + 1;
      int hostEnd = hostStart;
      while (hostEnd < uri.length() && "/?;#&".indexOf(uri.charAt(hostEnd)) < 0) {
        hostEnd++;
      }
      boolean host = hostEnd > hostStart && HOST.matcher(uri.substring(hostStart, hostEnd)).matches();
      String password = uri.substring(colon + 1, at);
      // host:5432/db?user=name@domain reads as a port, a path and a query whose value holds an @;
      // but when a path follows what comes after the @, that is the host of a URL with user-info.
      boolean portAndQuery = separator == ':' && PORT_THEN_PATH.matcher(password).matches() && password.contains("?")
          && (hostEnd == uri.length() || uri.charAt(hostEnd) != '/');
      if (host && !portAndQuery) {
        return new int[] {colon + 1, at};
      }
    }
    return null;
  }

  /** Percent-decoded as UTF-8; text that is not validly encoded is returned as it is. */
  private static String percentDecoded(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          return s;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

package io.reconcile.core.audit;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The hash chain that every {@link AuditLog} keeps, shared so that the file log and the logs over
 * {@link AuditLog.Lines} (the in-memory one among them) write the very same lines and verify them
 * the same way.
 *
 * <p>A line is one JSON object (no newline inside): {@code seq} (1-based position), {@code prev}
 * (the hash of the line before, or {@link #GENESIS} for the first), {@code hash}, then the record's
 * members as {@link AuditJson#toJson(AuditRecord)} gives them. {@code hash} is the lowercase hex
 * SHA-256 of the UTF-8 bytes of {@code prev} followed by the canonical JSON of the line without
 * {@code hash}: object members sorted by {@link String#compareTo} (UTF-16 code units, as in RFC
 * 8785), no whitespace, and every surrogate code unit written as a JSON unicode escape (backslash,
 * {@code u}, four lowercase hex digits), so that text with an unpaired surrogate survives UTF-8 and
 * paired ones are written one way only. Lines themselves are written with that escaping too,
 * members in the order above.
 *
 * <p>Not thread-safe: the owning log serialises {@link #next} and {@link #advance}. The static
 * methods and {@link Verifier} instances confined to one thread are safe.
 */
final class Chain {

  /** The {@code prev} of the first line: 64 zeros. */
  static final String GENESIS = "0".repeat(64);

  /**
   * The deepest nesting a line may have, for writing and reading alike, so that whatever was
   * appended can be read back. About half of it is left for nested values.
   */
  private static final int MAX_NESTING = 1000;

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final HexFormat HEX = HexFormat.of();

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              new JsonFactoryBuilder()
                  .characterEscapes(new SurrogateEscapes())
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING)
                          .maxStringLength(Integer.MAX_VALUE)
                          .build())
                  .streamWriteConstraints(
                      StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** One line ready to be written, and the chain position it leads to. */
  record Link(String line, long seq, String hash) {}

  private long seq;
  private String hash;

  /** An empty chain: the next line is line 1 and links to {@link #GENESIS}. */
  Chain() {
    this(0, GENESIS);
  }

  private Chain(long seq, String hash) {
    this.seq = seq;
    this.hash = hash;
  }

  /**
   * The chain continued after an existing line (the last of a log being reopened). The line's hash
   * is taken as written; {@link Verifier} is what checks it.
   *
   * @throws IllegalArgumentException if the line is not a JSON object with a positive integer
   *     {@code seq} and a 64-hex-digit {@code hash}
   */
  static Chain after(String lastLine) {
    JsonNode node = parse(lastLine);
    JsonNode s = node.get("seq");
    JsonNode h = node.get("hash");
    if (s == null || !s.canConvertToExactIntegral() || !s.canConvertToLong() || s.longValue() < 1) {
      throw new IllegalArgumentException("has no positive integer \"seq\" member");
    }
    if (h == null || !h.isTextual() || !HASH.matcher(h.textValue()).matches()) {
      throw new IllegalArgumentException("has no \"hash\" member of 64 lowercase hex digits");
    }
    return new Chain(s.longValue(), h.textValue());
  }

  /** The number of lines so far. */
  long seq() {
    return seq;
  }

  /** The hash of the last line, or {@link #GENESIS}. */
  String hash() {
    return hash;
  }

  /**
   * The line that records {@code record} next; the chain does not move until {@link #advance}.
   *
   * @throws IllegalArgumentException if the record nests too deeply to be written
   */
  Link next(AuditRecord record) {
    ObjectNode fields = AuditJson.toJson(record);
    long s = seq + 1;
    ObjectNode body = NODES.objectNode();
    body.put("seq", s).put("prev", hash).setAll(fields);
    String h = hashOf(hash, body);
    ObjectNode line = NODES.objectNode();
    line.put("seq", s).put("prev", hash).put("hash", h).setAll(fields);
    return new Link(write(line), s, h);
  }

  /** Moves the chain past a line that is now durably recorded. */
  void advance(Link link) {
    if (link.seq() != seq + 1) {
      throw new IllegalStateException("link " + link.seq() + " does not follow line " + seq);
    }
    seq = link.seq();
    hash = link.hash();
  }

  /**
   * Parses one line into a JSON object.
   *
   * @throws IllegalArgumentException if it is not exactly one JSON object
   */
  static ObjectNode parse(String line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      // The parser's message quotes the offending text, which may be user data: keep it out.
      throw new IllegalArgumentException("is not valid JSON", e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("is not a JSON object");
    }
    return (ObjectNode) node;
  }

  /** The record a line holds; chain members are ignored. */
  static AuditRecord record(ObjectNode line) {
    return AuditJson.recordFromJson(line);
  }

  /** The hash a line should carry, given its {@code prev} and its members other than hash. */
  static String hashOf(String prev, ObjectNode withoutHash) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM offers no SHA-256, which every Java SE must", e);
    }
    sha.update(prev.getBytes(StandardCharsets.UTF_8));
    sha.update(write(sorted(withoutHash)).getBytes(StandardCharsets.UTF_8));
    return HEX.formatHex(sha.digest());
  }

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the audit record cannot be written as JSON (values nested deeper than about "
              + MAX_NESTING / 2
              + " levels?): "
              + e.getOriginalMessage(),
          e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> members = new TreeMap<>();
      for (Map.Entry<String, JsonNode> m : node.properties()) {
        members.put(m.getKey(), sorted(m.getValue()));
      }
      ObjectNode out = NODES.objectNode();
      members.forEach((k, v) -> out.set(k, v));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode(node.size());
      for (JsonNode item : node) {
        out.add(sorted(item));
      }
      return out;
    }
    return node;
  }

  /**
   * Checks lines in order, one at a time, and stops at the first problem. Used by every log, so a
   * problem reads the same whichever log found it. Not thread-safe.
   */
  static final class Verifier {
    private long line;
    private long intact;
    private String previous = GENESIS;
    private @Nullable String problem;

    /**
     * Checks the next line.
     *
     * @param text the line without its newline
     * @param terminated whether a newline ended it (only the last line of a file may lack one)
     * @return true to go on, false once a problem was found
     */
    boolean accept(String text, boolean terminated) {
      if (problem != null) {
        return false;
      }
      line++;
      if (!terminated) {
        return fail(
            "is incomplete: it does not end in a newline (a write was cut short, or the file was"
                + " truncated)");
      }
      if (text.isEmpty()) {
        return fail("is empty, but every line holds one record (a line was changed)");
      }
      ObjectNode node;
      try {
        node = parse(text);
      } catch (IllegalArgumentException e) {
        return fail(e.getMessage() + " (the record was changed or damaged)");
      }
      JsonNode h = node.get("hash");
      JsonNode p = node.get("prev");
      JsonNode s = node.get("seq");
      if (h == null || !h.isTextual() || !HASH.matcher(h.textValue()).matches()) {
        return fail("has no \"hash\" of 64 lowercase hex digits (the record was changed)");
      }
      if (p == null || !p.isTextual() || !HASH.matcher(p.textValue()).matches()) {
        return fail("has no \"prev\" of 64 lowercase hex digits (the record was changed)");
      }
      ObjectNode body = node.deepCopy();
      body.remove("hash");
      if (!hashOf(p.textValue(), body).equals(h.textValue())) {
        return fail("hash does not match its content (the record was changed)");
      }
      if (!p.textValue().equals(previous)) {
        return fail(
            line == 1
                ? "previous-hash is not the start of a chain (a record before it was removed)"
                : "previous-hash does not match line "
                    + (line - 1)
                    + " (a record was removed or reordered)");
      }
      if (s == null
          || !s.canConvertToExactIntegral()
          || !s.canConvertToLong()
          || s.longValue() != line) {
        return fail(
            "sequence number is "
                + (s == null ? "missing" : s.isNumber() ? s.toString() : "not a number")
                + ", but this is line "
                + line
                + " (a record was removed, added or reordered)");
      }
      try {
        record(node);
      } catch (IllegalArgumentException e) {
        return fail("is not a valid audit record: " + e.getMessage());
      }
      previous = h.textValue();
      intact++;
      return true;
    }

    private boolean fail(String what) {
      problem = "line " + line + ": " + what;
      return false;
    }

    /** What was found so far: intact, or the first problem and how many lines verified before. */
    AuditLog.Verification result() {
      return new AuditLog.Verification(problem == null, intact, problem);
    }
  }

  /**
   * Writes every surrogate code unit as a JSON unicode escape (backslash, {@code u}, four hex
   * digits): an unpaired surrogate has no UTF-8 form and would otherwise be written as {@code ?},
   * and escaping paired ones too gives each text one written form whether or not it is paired.
   */
  private static final class SurrogateEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      if (ch >= Character.MIN_SURROGATE && ch <= Character.MAX_SURROGATE) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}

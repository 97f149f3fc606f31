package io.reconcile.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/** The run id rule and state checks every {@link CheckpointStore} applies. */
final class RunIds {

  static final int MAX_LENGTH = 128;

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

  private RunIds() {}

  /**
   * Returns the id if it is valid.
   *
   * @throws IllegalArgumentException if it is not, saying what a valid id is
   */
  static String check(String runId) {
    Objects.requireNonNull(runId, "runId");
    if (!RUN_ID.matcher(runId).matches() || runId.equals(".") || runId.equals("..")) {
      String shown = runId.length() > 40 ? runId.substring(0, 40) + "…" : runId;
      throw new IllegalArgumentException(
          "a run id must be 1 to "
              + MAX_LENGTH
              + " characters from [A-Za-z0-9._-], and not \".\" or \"..\", but got \""
              + shown
              + "\" ("
              + runId.length()
              + " characters)");
    }
    return runId;
  }

  /**
   * The state as UTF-8.
   *
   * @throws IllegalArgumentException if it holds an unpaired surrogate, which UTF-8 cannot hold
   */
  static byte[] utf8(String state) {
    Objects.requireNonNull(state, "state");
    try {
      ByteBuffer bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(state));
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "a checkpoint state must be valid Unicode, but it holds an unpaired surrogate; it could"
              + " not be stored as UTF-8 without changing it",
          e);
    }
  }
}

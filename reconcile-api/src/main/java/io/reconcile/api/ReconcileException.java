package io.reconcile.api;

/**
 * The root of every exception reconcile throws on its own account. Unchecked; messages say what
 * was expected, what was found and what to do. Subclasses name the few cases a caller may want to
 * treat differently.
 */
public class ReconcileException extends RuntimeException {

  public ReconcileException(String message) {
    super(message);
  }

  public ReconcileException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The caller's configuration is wrong: fix it and try again; retrying as is will not help. */
  public static class ConfigurationException extends ReconcileException {
    public ConfigurationException(String message) {
      super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A store could not be reached or failed while working. {@link #isTransient()} says whether the
   * same call may succeed if retried (a dropped connection, a timeout) or not (a closed store).
   */
  public static class StoreUnavailableException extends ReconcileException {
    private final boolean isTransient;

    public StoreUnavailableException(String message, boolean isTransient) {
      super(message);
      this.isTransient = isTransient;
    }

    public StoreUnavailableException(String message, boolean isTransient, Throwable cause) {
      super(message, cause);
      this.isTransient = isTransient;
    }

    /** Whether retrying the same call may succeed. */
    public boolean isTransient() {
      return isTransient;
    }
  }

  /** A repair was refused before anything was written, e.g. a read-only store or a limit hit. */
  public static class RepairRefusedException extends ReconcileException {
    public RepairRefusedException(String message) {
      super(message);
    }
  }
}

package io.reconcile.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.reconcile.api.Entry;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ActionOutcome.Status;
import io.reconcile.api.store.RepairAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Applies a {@link MongoStore}'s repair actions, each conditional on the very document it was
 * decided against: read the document, decide ({@link RepairAction#statusFor}), then replace or
 * delete it under a filter that matches only that document as read — its {@code _id} and, by an
 * {@code $expr} equality, all of it — or insert where the key was free. When the filter matches
 * nothing (or the insert finds the key taken) someone wrote in between, and the action is decided
 * again against what the document holds now, a few times at most, then refused.
 */
final class DocumentWriter {

  /** How often an action is decided again after a concurrent write before it is refused. */
  private static final int ATTEMPTS = 4;

  private final MongoStore store;
  private final MongoClient client;
  private final MongoCollection<BsonDocument> collection;
  private final KeyMapping keys;
  private final Normalization normalization;
  private final @Nullable RowHashField rowHashField;
  private final boolean transactions;

  DocumentWriter(MongoStore store, MongoClient client, MongoCollection<BsonDocument> collection, KeyMapping keys,
      Normalization normalization, @Nullable RowHashField rowHashField, boolean transactions) {
    this.store = store;
    this.client = client;
    this.collection = collection;
    this.keys = keys;
    this.normalization = normalization;
    this.rowHashField = rowHashField;
    this.transactions = transactions;
  }

  /** Why MongoDB could not hold what {@code action} writes, naming the key's or field's place; empty if it can. */
  Optional<String> unwritable(RepairAction action) {
    String key = keys.unwritable(action.key());
    if (key != null) {
      return Optional.of("key " + action.key() + ": " + key);
    }
    if (action instanceof RepairAction.Upsert u) {
      for (Map.Entry<String, Value> f : storeFields(u).entrySet()) {
        // a restore's stored row holds the index's key fields as found; written from the key, they are no conflict
        if (keys.isKeyField(f.getKey()) && (u.storedRow() == null || f.getKey().equals("_id"))
            || f.getKey().startsWith("$") || f.getKey().indexOf('\0') >= 0) {
          return Optional.of("key " + action.key() + ": a field named '" + f.getKey() + "', which a MongoDB document"
              + " cannot hold beside its key; rename it (--normalize rename=FIELD:NAME)");
        }
        Optional<String> why = BsonValues.unwritable(f.getValue(), f.getKey());
        if (why.isPresent()) {
          return Optional.of("key " + action.key() + ": MongoDB cannot hold " + why.get());
        }
      }
    }
    return Optional.empty();
  }

  List<ActionOutcome> apply(List<RepairAction> actions) {
    for (RepairAction a : actions) {
      Optional<String> why = unwritable(a);
      if (why.isPresent()) {
        throw new IllegalArgumentException("store '" + store.id() + "' cannot write " + why.get()
            + "; nothing of the batch was written");
      }
    }
    if (!transactions || actions.size() < 2) {
      List<ActionOutcome> out = new ArrayList<>(actions.size());
      for (RepairAction a : actions) {
        out.add(apply(a, null));
      }
      return out;
    }
    try (ClientSession session = client.startSession()) {
      return session.withTransaction(() -> {
        List<ActionOutcome> out = new ArrayList<>(actions.size());
        for (RepairAction a : actions) {
          out.add(apply(a, session));
        }
        return out;
      });
    }
  }

  private ActionOutcome apply(RepairAction action, @Nullable ClientSession session) {
    BsonDocument selector = keys.selector(action.key());
    for (int attempt = 0; ; attempt++) {
      BsonDocument raw = session == null ? collection.find(selector).first() : collection.find(session, selector).first();
      Entry current = raw == null ? null : store.entry(raw);
      Status status = action.statusFor(current, false);
      if (status != Status.APPLIED || attempt == ATTEMPTS) {
        return new ActionOutcome(action, status == Status.APPLIED ? Status.REFUSED : status, current);
      }
      if (written(action, selector, raw, session)) {
        return new ActionOutcome(action, Status.APPLIED, current, raw == null ? null : storedRow(raw));
      }
    }
  }

  /** Writes the action's result if the document is still {@code raw}; false if it is not (someone wrote in between). */
  private boolean written(RepairAction action, BsonDocument selector, @Nullable BsonDocument raw,
      @Nullable ClientSession session) {
    if (action instanceof RepairAction.Upsert u) {
      BsonDocument doc = document(u, selector, raw);
      if (raw == null) {
        try {
          if (session == null) {
            collection.insertOne(doc);
          } else {
            collection.insertOne(session, doc);
          }
          return true;
        } catch (MongoWriteException e) {
          if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
            return false;
          }
          throw e;
        }
      }
      BsonDocument filter = unchanged(raw);
      return (session == null ? collection.replaceOne(filter, doc) : collection.replaceOne(session, filter, doc))
          .getMatchedCount() == 1;
    }
    if (raw == null) {
      return true; // deciding found nothing to delete: statusFor made it ALREADY_APPLIED or REFUSED before this
    }
    BsonDocument filter = unchanged(raw);
    return (session == null ? collection.deleteOne(filter) : collection.deleteOne(session, filter)).getDeletedCount() == 1;
  }

  /** A filter that matches the document only while it is exactly {@code raw}. */
  private static BsonDocument unchanged(BsonDocument raw) {
    return new BsonDocument("_id", raw.get("_id")).append("$expr", new BsonDocument("$eq", new BsonArray(List.of(
        new BsonString("$$ROOT"), new BsonDocument("$literal", raw)))));
  }

  /**
   * The document an upsert writes, in the order of the document it replaces ({@code raw}), new
   * fields after: the key and {@code _id} as stored (or, for an insert, the key's); then either
   * every field of the stored row as given (a restore), or the fields the store does not compare as
   * they are and the entry's fields, typed and (in nested documents) ordered as {@code raw} has
   * them; and the row-hash field, if kept, for the entry written.
   */
  private BsonDocument document(RepairAction.Upsert u, BsonDocument selector, @Nullable BsonDocument raw) {
    Map<String, Value> fields = storeFields(u);
    BsonDocument doc = new BsonDocument();
    if (raw == null) {
      doc.putAll(selector);
    } else {
      // in the stored document's order: its key as stored (types kept), the fields not compared as
      // they are (unless a restore's row gives them), the compared ones with their new values
      raw.forEach((name, value) -> {
        if (keys.isKeyField(name) || u.storedRow() == null && !compared(name) && !isRowHashField(name)) {
          doc.put(name, value);
        } else if (fields.containsKey(name) && !keys.isKeyField(name)) {
          doc.put(name, BsonValues.write(fields.get(name), value));
        }
      });
    }
    fields.forEach((name, value) -> {
      if (!doc.containsKey(name) && !keys.isKeyField(name)) {
        doc.put(name, BsonValues.write(value, null));
      }
    });
    if (rowHashField != null && u.storedRow() == null) {
      doc.put(rowHashField.name(), RowHashField.limbs(u.entry().hash()));
    }
    return doc;
  }

  private boolean isRowHashField(String name) {
    return rowHashField != null && name.equals(rowHashField.name());
  }

  private boolean compared(String storeField) {
    return store.compares(storeField) && !normalization.isIgnored(normalization.datasetName(storeField));
  }

  private Map<String, Value> storeFields(RepairAction.Upsert u) {
    return u.storedRow() != null ? u.storedRow() : normalization.toStore(u.entry().fields()).fields();
  }

  /** Every field of a document but its {@code _id}, as stored: what an undo puts back. */
  private static Map<String, Value> storedRow(BsonDocument raw) {
    Map<String, Value> row = new LinkedHashMap<>();
    raw.forEach((name, value) -> {
      if (!name.equals("_id")) {
        row.put(name, BsonValues.read(value));
      }
    });
    return row;
  }
}

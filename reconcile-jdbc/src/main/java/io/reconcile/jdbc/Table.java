package io.reconcile.jdbc;

import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.jdbc.spi.SqlColumn;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A table (or view) as validated against the database catalog: its quoted name, key columns
 * (which the catalog confirmed form a primary key or unique index, or which the caller trusts to be
 * unique) and compared columns. Immutable.
 *
 * @param name the table as configured, for messages and the default store id
 * @param quoted the quoted, schema-qualified name for SQL text
 * @param keys the key columns, in key order
 * @param columns the compared columns, in table order
 * @param version the version column, or null
 * @param every every column of the table that reconcile can read and write exactly (key, compared,
 *     version and others), in table order: what a before-image holds
 * @param ref where the catalog found the table: its catalog, schema and name as spelled there
 * @param keyTrusted whether the key's uniqueness is the caller's word ({@code trustKey}) rather
 *     than the catalog's: then every read checks it (see {@link JdbcStore.Builder#trustKey})
 * @param keyIndex the catalog's name of the unique index that proves the key unique (the primary
 *     key's when it does), or null when the key is trusted or the catalog names no index
 */
record Table(
    String name,
    String quoted,
    List<Column> keys,
    List<Column> columns,
    @Nullable Column version,
    List<Column> every,
    Ref ref,
    boolean keyTrusted,
    @Nullable String keyIndex) {

  Table {
    keys = List.copyOf(keys);
    columns = List.copyOf(columns);
    every = List.copyOf(every);
  }

  /**
   * The columns outside the key, the comparison and the version, in table order: what a whole-row
   * read adds (see {@link #every}).
   */
  List<Column> others() {
    List<Column> out = new ArrayList<>();
    for (Column c : every) {
      if (!keys.contains(c) && !columns.contains(c) && !c.equals(version)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The column of any kind whose store field name is {@code field}, or null. */
  @Nullable Column anyColumn(String field) {
    for (Column c : every) {
      if (c.fieldName().equals(field)) {
        return c;
      }
    }
    return null;
  }

  /** The compared column whose store field name is {@code field}, or null. */
  /**
   * The compared columns by dataset name (renames applied, ignored fields left out), in code point
   * order of those names: the order of fields in the canonical encoding.
   */
  Map<String, Column> comparedByDatasetName(Normalization normalization) {
    Map<String, Column> byName = new TreeMap<>(PostgresDialect::compareCodePoints);
    for (Column c : columns) {
      String dataset = normalization.datasetName(c.fieldName());
      if (!normalization.isIgnored(dataset)) {
        byName.put(dataset, c);
      }
    }
    return byName;
  }

  @Nullable Column column(String field) {
    for (Column c : columns) {
      if (c.fieldName().equals(field)) {
        return c;
      }
    }
    return null;
  }

  /**
   * Looks the table up in the catalog and validates the configuration against it, before any data
   * is read.
   *
   * @param table {@code table} or {@code schema.table}
   * @param keyNames key columns, or empty for the primary key
   * @param columnNames compared columns, or empty for every column but the key (less ignored ones)
   * @param trustKey whether named key columns that no primary key or unique index covers (a view's,
   *     say) are taken as unique
   * @param dialect the dialect reading the catalog; one of the public SPI maps the column types
   * @throws ConfigurationException naming the table or column and what to do, also for a
   *     normalisation with nested paths (columns hold no nested fields)
   */
  static Table resolve(
      Connection conn,
      String table,
      List<String> keyNames,
      List<String> columnNames,
      Normalization normalization,
      @Nullable String versionName,
      boolean trustKey,
      Dialect dialect)
      throws SQLException {
    rejectNul(table, "table name");
    if (!normalization.nestedPaths().isEmpty()) {
      throw new ConfigurationException(
          "table '" + table + "' has columns, which hold no nested fields, so the normalisation's"
              + " paths " + new java.util.TreeSet<>(normalization.nestedPaths()) + " could never apply;"
              + " leave them out of this store's normalisation (they belong to a store of documents),"
              + " and write a column name holding '.', '[' or ']' with a backslash before each, e.g."
              + " 'a\\.b'");
    }
    keyNames.forEach(k -> rejectNul(k, "key column name"));
    columnNames.forEach(c -> rejectNul(c, "column name"));
    DatabaseMetaData md = conn.getMetaData();
    String quote = md.getIdentifierQuoteString();
    Ref ref = findTable(conn, md, table);
    // Qualified by the schema, or where databases are catalogs (MariaDB) by a catalog named in it.
    String qualifier =
        ref.schema != null ? ref.schema
            : ref.catalog != null && table.startsWith(ref.catalog + ".") ? ref.catalog : null;
    String quotedTable =
        (qualifier == null ? "" : quote(quote, qualifier, table) + ".")
            + quote(quote, ref.table, table);

    Map<String, ColumnInfo> all = new LinkedHashMap<>();
    try (ResultSet rs =
        md.getColumns(ref.catalog, pattern(md, ref.schema), pattern(md, ref.table), "%")) {
      while (rs.next()) {
        if (ref.table.equals(rs.getString("TABLE_NAME"))
            && Objects.equals(ref.schema, rs.getString("TABLE_SCHEM"))) {
          String n = rs.getString("COLUMN_NAME");
          String typeName = rs.getString("TYPE_NAME");
          all.put(n, new ColumnInfo(n, quote(quote, n, table), rs.getInt("DATA_TYPE"), typeName,
              rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS"),
              rs.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls,
              new NativeType(typeName, ' ', typeName, ' ', List.of())));
        }
      }
    }
    addNativeTypes(conn, ref, quotedTable, all, dialect);
    boolean foldsUpper = md.storesUpperCaseIdentifiers();
    boolean foldsLower = md.storesLowerCaseIdentifiers();

    List<String> keyCatalogNames = new ArrayList<>();
    List<String> primaryKey = primaryKey(md, ref);
    Map<String, Set<String>> uniqueIndexes = uniqueIndexes(md, ref);
    boolean keyTrusted = false;
    if (keyNames.isEmpty()) {
      if (primaryKey.isEmpty()) {
        throw new ConfigurationException(
            "table '" + table + "' has no primary key (a view has none); name the key columns"
                + " with keyColumns(...) or StoreOptions.keyFields"
                + (trustKey ? ", which trustKey needs"
                    : " that form a unique index, or, for columns no index proves unique, name them and"
                        + " trust them with " + TRUST_KEY_HINT));
      }
      keyCatalogNames.addAll(primaryKey);
    } else {
      for (String k : keyNames) {
        keyCatalogNames.add(findColumn(all, k, table, foldsUpper, foldsLower));
      }
      if (new LinkedHashSet<>(keyCatalogNames).size() != keyCatalogNames.size()) {
        throw new ConfigurationException(
            "key columns " + keyNames + " of table '" + table + "' name a column twice");
      }
      keyTrusted = !isUnique(uniqueIndexes, keyCatalogNames, primaryKey);
      if (keyTrusted && !trustKey) {
        throw new ConfigurationException(
            "key columns "
                + keyNames
                + " of table '"
                + table
                + "' are neither its primary key "
                + (primaryKey.isEmpty() ? "(it has none)" : primaryKey)
                + " nor covered by a unique index, so a key could match several rows; choose"
                + " columns that are, add a unique index on them, or, if they are unique (a view's"
                + " key, say), trust them with " + TRUST_KEY_HINT);
      }
    }

    List<Column> keys = new ArrayList<>();
    for (String k : keyCatalogNames) {
      Column c = column(all.get(k), dialect, foldsUpper);
      if (c == null || !c.kind().keyable || c.cast() != null) {
        throw new ConfigurationException(
            "key column '"
                + k
                + "' of table '"
                + table
                + "' has type "
                + all.get(k).typeName
                + ", which cannot be a reconcile key part; key columns must be exact numbers"
                + " (integer, numeric or decimal types), text, UUIDs or binary");
      }
      keys.add(c);
    }

    Column version = null;
    if (versionName != null) {
      rejectNul(versionName, "version column name");
      String n = findColumn(all, versionName, table, foldsUpper, foldsLower);
      version = column(all.get(n), dialect, foldsUpper);
      if (keyCatalogNames.contains(n)) {
        throw new ConfigurationException(
            "version column '" + versionName + "' of table '" + table + "' is a key column; the"
                + " version is what changes with each write, so name another column");
      }
      if (version == null
          || !EnumSet.of(Column.Kind.TIMESTAMP, Column.Kind.TIMESTAMP_TZ, Column.Kind.TEXT)
              .contains(version.kind())) {
        throw new ConfigurationException(
            "version column '" + versionName + "' of table '" + table + "' has type "
                + all.get(n).typeName + "; a version column holds a timestamp (last write wins) or"
                + " text (a version vector, VersionVector.toText())");
      }
    }

    List<Column> columns = new ArrayList<>();
    if (columnNames.isEmpty()) {
      List<String> unsupported = new ArrayList<>();
      for (ColumnInfo info : all.values()) {
        if (keyCatalogNames.contains(info.name) || (version != null && info.name.equals(version.catalogName()))) {
          continue;
        }
        String field = fieldName(info.name, foldsUpper);
        if (normalization.isIgnored(normalization.datasetName(field))) {
          continue;
        }
        Column c = column(info, dialect, foldsUpper);
        if (c == null) {
          unsupported.add(info.name + " " + info.typeName);
        } else {
          columns.add(c);
        }
      }
      if (!unsupported.isEmpty()) {
        throw new ConfigurationException(
            "table '"
                + table
                + "' has columns of types reconcile cannot compare: "
                + unsupported
                + "; list the columns to compare with columns(...) or ignore these with"
                + " Normalization.ignore(...)");
      }
    } else {
      for (String name : columnNames) {
        String n = findColumn(all, name, table, foldsUpper, foldsLower);
        if (keyCatalogNames.contains(n)) {
          throw new ConfigurationException(
              "column '" + name + "' of table '" + table + "' is a key column; compared columns"
                  + " are the others, so leave it out of columns(...)");
        }
        if (version != null && n.equals(version.catalogName())) {
          throw new ConfigurationException(
              "column '" + name + "' of table '" + table + "' is the version column, which is"
                  + " read as each row's version rather than compared; leave it out of columns(...)");
        }
        Column c = column(all.get(n), dialect, foldsUpper);
        if (c == null) {
          throw new ConfigurationException(
              "column '" + name + "' of table '" + table + "' has type " + all.get(n).typeName
                  + ", which reconcile cannot compare; leave it out of columns(...)");
        }
        if (columns.contains(c)) {
          throw new ConfigurationException(
              "columns(...) names column '" + name + "' of table '" + table + "' twice");
        }
        columns.add(c);
      }
    }
    Map<String, String> datasetNames = new HashMap<>();
    for (Column c : columns) {
      String previous = datasetNames.put(normalization.datasetName(c.fieldName()), c.catalogName());
      if (previous != null) {
        throw new ConfigurationException(
            "columns '" + previous + "' and '" + c.catalogName() + "' of table '" + table
                + "' would both be field '" + normalization.datasetName(c.fieldName())
                + "'; rename one with Normalization.rename(...)");
      }
    }
    List<Column> every = new ArrayList<>();
    for (ColumnInfo info : all.values()) {
      Column c = column(info, dialect, foldsUpper);
      if (c == null) {
        c = typed(info, dialect.uncomparedTyping(info), foldsUpper);
      }
      if (c != null) {
        every.add(c);
      }
    }
    String keyIndex = keyTrusted ? null : keyIndex(uniqueIndexes, keyCatalogNames, primaryKey);
    return new Table(table, quotedTable, keys, columns, version, every, ref, keyTrusted, keyIndex).retyped(normalization);
  }

  /** Whether a decimal column holds only integers that fit a long: numeric(p,0) with p <= 18. */
  private static boolean isIntegral(Column c) {
    return c.kind() == Column.Kind.DECIMAL && c.limits().scale() == 0
        && c.limits().precision() > 0 && c.limits().precision() <= 18;
  }

  /**
   * This table with its key and compared columns read as they are compared, the same column alike
   * in every list: an {@linkplain #isIntegral integral} decimal key column as an integer ({@link
   * Column.Kind#LONG}: the key part and key order of a bigint), and a UUID column whose field the
   * normalisation compares {@linkplain Normalization.Builder#asText as text} — a key column by its
   * name, a compared one by its dataset name — as {@link Column.Kind#UUID_TEXT}.
   *
   * @throws ConfigurationException if that rule names a column that holds neither UUIDs nor text
   */
  private Table retyped(Normalization normalization) {
    Map<String, Column> changed = new HashMap<>();
    for (Column c : keys) {
      Column k = isIntegral(c) ? c.withKind(Column.Kind.LONG) : c;
      changed.put(c.catalogName(), asText(k, c.fieldName(), normalization));
    }
    for (Column c : columns) {
      changed.put(c.catalogName(), asText(c, normalization.datasetName(c.fieldName()), normalization));
    }
    java.util.function.UnaryOperator<Column> retype = c -> changed.getOrDefault(c.catalogName(), c);
    return new Table(name, quoted, keys.stream().map(retype).toList(),
        columns.stream().map(retype).toList(), version, every.stream().map(retype).toList(), ref, keyTrusted, keyIndex);
  }

  /** The column as its field {@code field} is compared. */
  private Column asText(Column c, String field, Normalization normalization) {
    if (!normalization.ruleFor(field).asText()) {
      return c;
    }
    return switch (c.kind()) {
      case UUID -> c.withKind(Column.Kind.UUID_TEXT);
      case JSON -> c.withKind(Column.Kind.JSON_TEXT);
      case TEXT -> c; // already text
      default -> throw new ConfigurationException(
          "column '" + c.catalogName() + "' of table '" + name + "' has type " + c.typeName()
              + ", but a normalisation rule compares it as text, which converts UUID columns"
              + " only; remove the rule (Normalization.Builder.asText(\"" + field + "\"))");
    };
  }

  /** How to trust key columns, in API words (the CLI says {@code --trust-key}). */
  static final String TRUST_KEY_HINT =
      "trustKey(true) or StoreOptions.property(\"trustKey\", \"true\") (duplicate keys are then"
          + " looked for once and fail every read that meets one)";

  /** A table as the catalog names it: catalog (MariaDB's database), schema, and name. */
  record Ref(@Nullable String catalog, @Nullable String schema, String table) {}

  /**
   * A column as the JDBC catalog describes it, with what the product's own catalog adds: what a
   * dialect {@linkplain Dialect#typing types}.
   *
   * @param quoted the quoted identifier
   * @param size COLUMN_SIZE: characters, digits, or a temporal type's display width
   * @param digits DECIMAL_DIGITS: a decimal's scale, or fractional second digits
   * @param nativeType the type as the product's catalog spells it ({@link Dialect#nativeTypes}),
   *     else as the JDBC catalog does
   */
  record ColumnInfo(
      String name, String quoted, int jdbcType, String typeName, int size, int digits, boolean notNull,
      NativeType nativeType) {}

  /**
   * A column's type as its product's catalog spells it.
   *
   * @param type the full type: PostgreSQL's {@code format_type} (quoted where needed, so it can
   *     follow {@code CAST(? AS}), MariaDB's {@code COLUMN_TYPE} such as {@code enum('a','b')}
   * @param kind the PostgreSQL type's kind ({@code typtype}: {@code e} enum, {@code d} domain, …)
   * @param name the PostgreSQL type's name, or its base type's for a domain
   * @param baseKind the domain's base type's {@code typtype}, else {@code kind}
   * @param labels an enumeration's (or enum domain's, or MariaDB ENUM's or SET's) labels
   */
  record NativeType(String type, char kind, String name, char baseKind, List<String> labels) {}

  private static void addNativeTypes(
      Connection conn, Ref ref, String quotedTable, Map<String, ColumnInfo> all, Dialect dialect)
      throws SQLException {
    Map<String, NativeType> natives = dialect.nativeTypes(conn, ref, quotedTable);
    for (Map.Entry<String, ColumnInfo> e : all.entrySet()) {
      ColumnInfo i = e.getValue();
      NativeType n = natives.get(e.getKey());
      if (n != null) {
        e.setValue(new ColumnInfo(i.name, i.quoted, i.jdbcType, i.typeName, i.size, i.digits, i.notNull, n));
      }
    }
  }

  private static Ref findTable(Connection conn, DatabaseMetaData md, String table)
      throws SQLException {
    List<Ref> found = tables(md, null, table);
    int dot = table.indexOf('.');
    if (found.isEmpty() && dot > 0 && dot < table.length() - 1) {
      found = tables(md, table.substring(0, dot), table.substring(dot + 1));
    }
    if (found.size() > 1) {
      String current = conn.getSchema();
      List<Ref> inCurrent = found.stream().filter(r -> Objects.equals(r.schema, current)).toList();
      if (inCurrent.size() != 1) {
        // Products whose databases are catalogs (MariaDB, MySQL): the connection's database.
        String catalog = conn.getCatalog();
        inCurrent = inCurrent.stream().filter(r -> Objects.equals(r.catalog, catalog)).toList();
      }
      if (inCurrent.size() == 1) {
        return inCurrent.get(0);
      }
      throw new ConfigurationException(
          "table '" + table + "' exists in several schemas "
              + found.stream().map(Ref::schema).toList()
              + "; qualify it as schema.table");
    }
    if (found.isEmpty()) {
      throw new ConfigurationException(
          "table '" + table + "' was not found in the database catalog; check its name and schema"
              + " (give it as table or schema.table) and that this user may see it");
    }
    return found.get(0);
  }

  /** Tables called exactly {@code name} (or its case-folded form) in {@code schema} (or any). */
  private static List<Ref> tables(DatabaseMetaData md, @Nullable String schema, String name)
      throws SQLException {
    for (String n : spellings(md, name)) {
      List<String> schemas = schema == null ? java.util.Collections.singletonList(null) : spellings(md, schema);
      for (String s : schemas) {
        List<Ref> out = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, pattern(md, s), pattern(md, n), null)) {
          while (rs.next()) {
            // The escaped pattern may still match more (drivers that ignore the escape): filter.
            String schemaOrCatalog =
                rs.getString("TABLE_SCHEM") != null ? rs.getString("TABLE_SCHEM") : rs.getString("TABLE_CAT");
            if (n.equals(rs.getString("TABLE_NAME"))
                && (s == null || s.equals(schemaOrCatalog))) {
              out.add(new Ref(rs.getString("TABLE_CAT"), rs.getString("TABLE_SCHEM"), n));
            }
          }
        }
        if (!out.isEmpty()) {
          return out;
        }
      }
    }
    return List.of();
  }

  /** The name as given, then as the database folds unquoted identifiers. */
  private static List<String> spellings(DatabaseMetaData md, String name) throws SQLException {
    Set<String> out = new LinkedHashSet<>();
    out.add(name);
    if (md.storesUpperCaseIdentifiers()) {
      out.add(name.toUpperCase(Locale.ROOT));
    } else if (md.storesLowerCaseIdentifiers()) {
      out.add(name.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(out);
  }

  private static @Nullable String pattern(DatabaseMetaData md, @Nullable String name)
      throws SQLException {
    if (name == null) {
      return null;
    }
    String esc = md.getSearchStringEscape();
    if (esc == null || esc.isEmpty()) {
      return name;
    }
    return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
  }

  private static String findColumn(
      Map<String, ColumnInfo> all, String name, String table, boolean upper, boolean lower) {
    if (all.containsKey(name)) {
      return name;
    }
    String folded =
        upper ? name.toUpperCase(Locale.ROOT) : lower ? name.toLowerCase(Locale.ROOT) : name;
    if (all.containsKey(folded)) {
      return folded;
    }
    throw new ConfigurationException(
        "column '" + name + "' was not found in table '" + table + "', which has columns "
            + all.keySet() + "; check the spelling");
  }

  private static List<String> primaryKey(DatabaseMetaData md, Ref ref) throws SQLException {
    TreeMap<Integer, String> bySeq = new TreeMap<>();
    try (ResultSet rs = md.getPrimaryKeys(ref.catalog, ref.schema, ref.table)) {
      while (rs.next()) {
        bySeq.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
      }
    }
    return List.copyOf(bySeq.values());
  }

  /** Whether the columns include all columns of the primary key or of some unique index. */
  private static boolean isUnique(Map<String, Set<String>> uniqueIndexes, List<String> keyColumns, List<String> primaryKey) {
    return !primaryKey.isEmpty() && keyColumns.containsAll(primaryKey)
        || uniqueIndexes.values().stream().anyMatch(keyColumns::containsAll);
  }

  /** The table's unique indexes: each index's catalog name and its columns. */
  private static Map<String, Set<String>> uniqueIndexes(DatabaseMetaData md, Ref ref) throws SQLException {
    Map<String, Set<String>> indexes = new LinkedHashMap<>();
    try (ResultSet rs = md.getIndexInfo(ref.catalog, ref.schema, ref.table, true, true)) {
      while (rs.next()) {
        String index = rs.getString("INDEX_NAME");
        String column = rs.getString("COLUMN_NAME");
        if (index != null && column != null && !rs.getBoolean("NON_UNIQUE")) {
          indexes.computeIfAbsent(index, i -> new LinkedHashSet<>()).add(column);
        }
      }
    }
    return indexes;
  }

  /**
   * The unique index whose columns all lie among the key's, the primary key's index first, or null
   * when none does.
   */
  private static @Nullable String keyIndex(Map<String, Set<String>> uniqueIndexes, List<String> keyColumns, List<String> primaryKey) {
    String any = null;
    for (Map.Entry<String, Set<String>> index : uniqueIndexes.entrySet()) {
      if (keyColumns.containsAll(index.getValue())) {
        if (index.getValue().equals(new LinkedHashSet<>(primaryKey))) {
          return index.getKey();
        }
        any = any == null ? index.getKey() : any;
      }
    }
    return any;
  }

  /**
   * The column for a catalog entry as the dialect types it, or null when reconcile cannot read and
   * write its type exactly (then it can only be left out of the comparison).
   */
  private static @Nullable Column column(ColumnInfo info, Dialect dialect, boolean foldsUpper) {
    return typed(info, dialect.typing(info), foldsUpper);
  }

  private static @Nullable Column typed(ColumnInfo info, Column.@Nullable Typing typing, boolean foldsUpper) {
    if (typing == null) {
      return null;
    }
    return new Column(info.name, fieldName(info.name, foldsUpper), info.quoted, info.jdbcType, info.typeName,
        info.size, info.digits, typing.kind(), typing.cast(), typing.limits());
  }

  /** An upper-case name in a database that folds to upper case reads as lower case. */
  private static String fieldName(String catalogName, boolean foldsUpper) {
    return foldsUpper && catalogName.equals(catalogName.toUpperCase(Locale.ROOT))
        ? catalogName.toLowerCase(Locale.ROOT)
        : catalogName;
  }

  /** Quotes an identifier, doubling quote characters inside it. */
  static String quote(@Nullable String quote, String identifier, String table) {
    rejectNul(identifier, "identifier");
    if (quote == null || quote.isBlank()) {
      if (!identifier.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new ConfigurationException(
            "identifier '" + identifier + "' of table '" + table + "' needs quoting, but the"
                + " database's driver offers no identifier quote; rename it");
      }
      return identifier;
    }
    return quote + identifier.replace(quote, quote + quote) + quote;
  }

  private static void rejectNul(String identifier, String what) {
    if (identifier.indexOf('\0') >= 0) {
      throw new ConfigurationException(
          "the " + what + " '" + identifier.replace("\0", "\\0")
              + "' contains a NUL character, which no SQL identifier may hold");
    }
  }
}

namespace OrleansTokens.Persistence.Sqlite;

/// <summary>
/// SQL text of <see cref="SqliteGrainStorage"/>. Each statement matches one row by its natural key:
/// service id, state name and grain id.
/// </summary>
internal static class SqliteSchema
{
    public const string Create = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS grain_state (
            service_id  TEXT    NOT NULL,
            state_name  TEXT    NOT NULL,
            grain_id    TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            payload     BLOB    NOT NULL,
            modified_at TEXT    NOT NULL,
            PRIMARY KEY (service_id, state_name, grain_id)
        ) WITHOUT ROWID;
        """;

    private const string Key = "service_id = $service AND state_name = $state AND grain_id = $grain";

    public const string Read = $"SELECT version, payload FROM grain_state WHERE {Key};";

    public const string Exists = $"SELECT 1 FROM grain_state WHERE {Key};";

    public const string Insert = """
        INSERT INTO grain_state (service_id, state_name, grain_id, version, payload, modified_at)
        VALUES ($service, $state, $grain, 1, $payload, $modified)
        ON CONFLICT DO NOTHING
        RETURNING version;
        """;

    public const string Update = $"""
        UPDATE grain_state SET version = version + 1, payload = $payload, modified_at = $modified
        WHERE {Key} AND version = $version
        RETURNING version;
        """;

    public const string Delete = $"DELETE FROM grain_state WHERE {Key} AND version = $version RETURNING 1;";
}

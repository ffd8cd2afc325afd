using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansTokens.Grains;

namespace OrleansTokens.Hosting;

/// <summary>
/// Finds expired user-token rows in the SQLite grain storage file by reading the JSON state in SQL.
/// </summary>
/// <remarks>
/// A row goes only when every <c>expiresAt</c> under <c>tokens</c> and <c>sessions</c> parses and is before the
/// cutoff; a value that SQLite cannot parse keeps the row.
/// </remarks>
public sealed class SqliteExpiredStateStore(string databasePath, string serviceId) : IExpiredStateStore
{
    private const string Sql = """
        DELETE FROM grain_state
        WHERE service_id = $service AND state_name = $state
          AND NOT EXISTS (
              SELECT 1 FROM json_each(CAST(grain_state.payload AS TEXT), '$.tokens') AS t
              WHERE julianday(json_extract(t.value, '$.expiresAt')) IS NULL
                 OR julianday(json_extract(t.value, '$.expiresAt')) > julianday($cutoff))
          AND NOT EXISTS (
              SELECT 1 FROM json_each(CAST(grain_state.payload AS TEXT), '$.sessions') AS s
              WHERE julianday(json_extract(s.value, '$.expiresAt')) IS NULL
                 OR julianday(json_extract(s.value, '$.expiresAt')) > julianday($cutoff));
        """;

    public Task<int> DeleteExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            if (!File.Exists(databasePath))
            {
                return 0;
            }

            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = databasePath,
                Mode = SqliteOpenMode.ReadWrite,
                DefaultTimeout = 30,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Sql;
            command.Parameters.AddWithValue("$service", serviceId);
            command.Parameters.AddWithValue("$state", UserTokensGrain.StateName);
            command.Parameters.AddWithValue("$cutoff", cutoff.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture));
            return command.ExecuteNonQuery();
        }, cancellationToken);
}

/// <summary>
/// Finds expired user-token rows in the PostgreSQL grain state table through the indexed <c>expires_at</c>
/// column, a thousand rows per statement.
/// </summary>
/// <remarks>
/// A trigger in the schema sets <c>expires_at</c> from the JSON state on every write, and leaves it null for a
/// payload it cannot read, so such a row is never deleted. Locked rows are skipped, and the row lock makes
/// PostgreSQL check the expiry again against a write that committed after the statement began.
/// </remarks>
public sealed class PostgreSqlExpiredStateStore(string connectionString, string serviceId) : IExpiredStateStore
{
    private const int BatchSize = 1000;

    private const string Sql = """
        DELETE FROM orleans_grain_state
        WHERE ctid IN (
            SELECT ctid FROM orleans_grain_state
            WHERE service_id = @service AND grain_type = @state AND expires_at <= @cutoff
            LIMIT @batch
            FOR UPDATE SKIP LOCKED);
        """;

    public async Task<int> DeleteExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var total = 0;
        while (true)
        {
            await using var command = new NpgsqlCommand(Sql, connection);
            command.Parameters.AddWithValue("service", serviceId);
            command.Parameters.AddWithValue("state", UserTokensGrain.StateName);
            command.Parameters.AddWithValue("cutoff", cutoff.UtcDateTime);
            command.Parameters.AddWithValue("batch", BatchSize);
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
            if (deleted < BatchSize)
            {
                return total;
            }
        }
    }
}

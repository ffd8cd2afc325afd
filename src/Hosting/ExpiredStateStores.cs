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
/// Finds expired user-token rows in the PostgreSQL grain state table by reading the JSON state in SQL,
/// a thousand rows per statement.
/// </summary>
/// <remarks>
/// A value that is not a timestamp makes the statement fail, so nothing is deleted on data it cannot read.
/// NOTE: each sweep reads every user-token row. At millions of users, an expiry column kept by a trigger and
/// indexed would make a sweep proportional to the expired rows instead.
/// </remarks>
public sealed class PostgreSqlExpiredStateStore(string connectionString, string serviceId) : IExpiredStateStore
{
    private const int BatchSize = 1000;

    private const string Sql = """
        DELETE FROM orleans_grain_state
        WHERE ctid IN (
            SELECT g.ctid FROM orleans_grain_state g
            WHERE g.service_id = @service AND g.grain_type = @state
              AND (g.payload IS NULL OR (
                  NOT EXISTS (
                      SELECT 1 FROM jsonb_each(convert_from(g.payload, 'UTF8')::jsonb -> 'tokens') AS t
                      WHERE (t.value ->> 'expiresAt')::timestamptz > @cutoff)
                  AND NOT EXISTS (
                      SELECT 1 FROM jsonb_each(convert_from(g.payload, 'UTF8')::jsonb -> 'sessions') AS s
                      WHERE (s.value ->> 'expiresAt')::timestamptz > @cutoff)))
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

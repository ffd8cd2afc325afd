using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansTokens.Persistence.PostgreSql;

/// <summary>
/// Applies the OrleansTokens PostgreSQL schema: the tables and the named queries that the Orleans ADO.NET
/// grain storage and clustering providers read.
/// </summary>
/// <remarks>
/// The script is idempotent and runs in one transaction that first takes a transaction-level advisory lock,
/// so processes that apply it at the same moment run it one after another and none reads a partial schema.
/// </remarks>
public static partial class PostgreSqlSchema
{
    /// <summary>Version recorded in <c>orleans_tokens_schema</c> by the current script.</summary>
    public const int Version = 2;

    /// <summary>Advisory lock key that serializes schema changes; an arbitrary constant unique to this project.</summary>
    private const long MigrationLockKey = 0x4F_54_6F_6B_65_6E_73; // "OTokens" in ASCII.

    /// <summary>The SQL script, as shipped in this assembly.</summary>
    public static string Script { get; } = LoadScript();

    /// <summary>Applies the schema and returns once it is committed.</summary>
    public static async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var schemaCommand = new NpgsqlCommand(Script, connection, transaction))
        {
            await schemaCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogApplied(logger, Version, connection.Database ?? "(default)", connection.Host ?? "(unknown)");
    }

    private static string LoadScript()
    {
        const string name = "OrleansTokens.Persistence.PostgreSql.schema.sql";
        using var stream = typeof(PostgreSqlSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The assembly has no embedded resource '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Applied OrleansTokens schema version {Version} to database {Database} on {Host}")]
    private static partial void LogApplied(ILogger logger, int version, string database, string host);
}

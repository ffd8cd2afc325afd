using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansTokens.Persistence.Sqlite;

/// <summary>
/// Grain storage in one SQLite file, with the optimistic concurrency of the Orleans ADO.NET provider:
/// every row has a version, the version is the grain's ETag, and a write whose ETag does not match the
/// stored version raises <see cref="InconsistentStateException"/>.
/// </summary>
/// <remarks>
/// The file uses write-ahead logging with <c>synchronous=FULL</c>, so a write has reached the disk before
/// the grain's write call returns. Clearing a grain's state deletes its row; the next write is a first
/// write again. One process at a time uses a file: a second one fails to start with
/// <see cref="SqliteDatabaseInUseException"/>. Keep the file on a local disk, since SQLite locking does not
/// work over network file systems.
/// </remarks>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly string _serviceId;
    private readonly SqliteGrainStorageOptions _options;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly string _databasePath;
    private IDisposable? _databaseLock;

    public SqliteGrainStorage(
        string name,
        string serviceId,
        SqliteGrainStorageOptions options,
        IGrainStorageSerializer serializer,
        ILogger<SqliteGrainStorage> logger)
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            throw new ArgumentException(
                $"Grain storage '{name}' has no SQLite database path. Set {nameof(options.DatabasePath)} "
                + "to a file path such as 'data/orleanstokens.db'.", nameof(options));
        }

        _name = name;
        _serviceId = serviceId;
        _options = options;
        _serializer = options.GrainStorageSerializer ?? serializer;
        _logger = logger;
        _databasePath = Path.GetFullPath(options.DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = options.BusyTimeoutSeconds,
        }.ToString();
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            $"{nameof(SqliteGrainStorage)}-{_name}",
            _options.InitStage,
            cancellationToken => Task.Run(() => CreateSchema(), cancellationToken),
            _ =>
            {
                Interlocked.Exchange(ref _databaseLock, null)?.Dispose();
                return Task.CompletedTask;
            });

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => ReadState(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => WriteState(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => ClearState(stateName, grainId, grainState));

    private void CreateSchema()
    {
        var folder = Path.GetDirectoryName(_databasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        _databaseLock = SqliteDatabaseLock.Acquire(_databasePath);

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteSchema.Create;
        command.ExecuteNonQuery();
        LogSchemaReady(_logger, _name, _databasePath);
    }

    private void ReadState<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var connection = Open();
        using var command = CreateKeyedCommand(connection, SqliteSchema.Read, stateName, grainId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            // Like the ADO.NET provider: a missing row reads as a new state, not as whatever the grain held.
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var version = reader.GetInt64(0);
        var payload = (byte[])reader.GetValue(1);
        grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
        grainState.ETag = FormatVersion(version);
        grainState.RecordExists = true;
    }

    private void WriteState<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var expected = ParseVersion(grainState.ETag, stateName, grainId);

        using var connection = Open();
        using var command = CreateKeyedCommand(
            connection, expected is null ? SqliteSchema.Insert : SqliteSchema.Update, stateName, grainId);
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$modified", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        if (expected is not null)
        {
            command.Parameters.AddWithValue("$version", expected.Value);
        }

        var result = command.ExecuteScalar();
        if (result is null)
        {
            throw Conflict("write", stateName, grainId, grainState.ETag);
        }

        grainState.ETag = FormatVersion(Convert.ToInt64(result, CultureInfo.InvariantCulture));
        grainState.RecordExists = true;
    }

    private void ClearState<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = ParseVersion(grainState.ETag, stateName, grainId);

        using var connection = Open();
        using var command = CreateKeyedCommand(
            connection, expected is null ? SqliteSchema.Exists : SqliteSchema.Delete, stateName, grainId);
        if (expected is not null)
        {
            command.Parameters.AddWithValue("$version", expected.Value);
        }

        // With no ETag the grain believes there is no row, so any row found was written by someone else.
        var found = command.ExecuteScalar() is not null;
        if (found == (expected is null))
        {
            throw Conflict("clear", stateName, grainId, grainState.ETag);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private SqliteCommand CreateKeyedCommand(SqliteConnection connection, string sql, string stateName, GrainId id)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$service", _serviceId);
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", id.ToString());
        return command;
    }

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? etag)
    {
        LogConflict(_logger, operation, stateName, grainId, etag ?? "(none)");
        return new InconsistentStateException(
            $"Version conflict on {operation} of state '{stateName}' for grain {grainId} in storage '{_name}': "
            + $"the stored version is not {etag ?? "absent"}. Another activation changed it; reload and retry.",
            "unknown",
            etag ?? "");
    }

    private static long? ParseVersion(string? etag, string stateName, GrainId grainId)
    {
        if (etag is null)
        {
            return null;
        }

        if (!long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InconsistentStateException(
                $"ETag '{etag}' of state '{stateName}' for grain {grainId} is not a SQLite row version.",
                "unknown",
                etag);
        }

        return version;
    }

    private static string FormatVersion(long version) => version.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "SQLite grain storage {Name} is ready at {Path}")]
    private static partial void LogSchemaReady(ILogger logger, string name, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Version conflict on {Operation} of state {StateName} for grain {GrainId} with ETag {ETag}")]
    private static partial void LogConflict(
        ILogger logger, string operation, string stateName, GrainId grainId, string etag);
}

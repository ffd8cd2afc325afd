using Orleans.Storage;

namespace OrleansTokens.Persistence.Sqlite;

/// <summary>
/// Settings of <see cref="SqliteGrainStorage"/>.
/// </summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>
    /// Path of the SQLite database file. The file and its folder are created when missing.
    /// Required; a relative path is resolved against the process's current directory.
    /// </summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// Serializer for grain state. Default: the silo's <see cref="IGrainStorageSerializer"/> service.
    /// </summary>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }

    /// <summary>
    /// Seconds a command waits for a lock held by another connection or process before failing.
    /// Default: 30.
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = 30;

    /// <summary>Silo lifecycle stage at which the schema is created. Default: application services.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;
}

namespace OrleansTokens.Persistence.Sqlite;

/// <summary>
/// Raised when another process already uses a SQLite grain storage file.
/// </summary>
public sealed class SqliteDatabaseInUseException(string databasePath, Exception innerException)
    : IOException(
        $"The SQLite database '{databasePath}' is in use by another process. Stop that process, or give this one "
        + "its own database file.",
        innerException)
{
    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; } = databasePath;
}

/// <summary>
/// An exclusive lock on <c>{database}.lock</c>, so that one process at a time uses a grain storage file.
/// </summary>
/// <remarks>
/// Two processes with localhost clustering are two Orleans clusters, so each would activate its own copy of a
/// user's grain and serve checks from memory that the other's revocations never reach. Silos of one process
/// share the lock. The operating system releases it when the process ends, also after <c>kill -9</c>.
/// </remarks>
internal static class SqliteDatabaseLock
{
    private static readonly Dictionary<string, (FileStream File, int Holders)> Held = new(StringComparer.Ordinal);

    /// <summary>Takes the lock for this process, or counts one more holder when it already has it.</summary>
    /// <exception cref="SqliteDatabaseInUseException">Another process has the lock.</exception>
    public static void Acquire(string databasePath)
    {
        lock (Held)
        {
            if (Held.TryGetValue(databasePath, out var entry))
            {
                Held[databasePath] = (entry.File, entry.Holders + 1);
                return;
            }

            try
            {
                // On Linux, .NET takes an advisory flock for FileShare.None, which a second process cannot take.
                var file = new FileStream(
                    databasePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                Held[databasePath] = (file, 1);
            }
            catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new SqliteDatabaseInUseException(databasePath, exception);
            }
        }
    }

    /// <summary>Drops one holder, and releases the lock when it was the last.</summary>
    public static void Release(string databasePath)
    {
        lock (Held)
        {
            if (!Held.TryGetValue(databasePath, out var entry))
            {
                return;
            }

            if (entry.Holders > 1)
            {
                Held[databasePath] = (entry.File, entry.Holders - 1);
                return;
            }

            Held.Remove(databasePath);
            entry.File.Dispose();
        }
    }
}

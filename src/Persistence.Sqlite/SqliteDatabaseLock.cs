namespace OrleansTokens.Persistence.Sqlite;

/// <summary>The exception for a SQLite grain storage file that another process already uses.</summary>
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
/// An exclusive advisory lock on a grain storage file, so that one process at a time uses it.
/// </summary>
/// <remarks>
/// Two processes with localhost clustering are two Orleans clusters, so each would activate its own copy of a
/// user's grain and serve checks from memory that the other's revocations never reach. The lock is on the
/// database file itself, so a second path to the same file (a symbolic or hard link) meets it too. SQLite's own
/// locks are POSIX record locks, which on Linux are independent of this one. Silos of one process share the
/// lock. The operating system releases it when the process ends, also after <c>kill -9</c>.
/// </remarks>
internal static class SqliteDatabaseLock
{
    private static readonly Dictionary<string, (FileStream File, int Holders)> Held = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes the lock for this process, or counts one more holder when it already has it. Disposing the result
    /// drops that holder, and the last one releases the lock.
    /// </summary>
    /// <exception cref="SqliteDatabaseInUseException">Another process has the lock.</exception>
    public static IDisposable Acquire(string databasePath)
    {
        lock (Held)
        {
            var key = Resolve(databasePath);
            if (Held.TryGetValue(key, out var entry))
            {
                Held[key] = (entry.File, entry.Holders + 1);
                return new Holder(key);
            }

            try
            {
                // On Linux, .NET takes an advisory flock for FileShare.None, which a second process cannot take.
                // An empty new file is what SQLite makes of a new database too.
                var file = new FileStream(key, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                Held[key] = (file, 1);
                return new Holder(key);
            }
            catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new SqliteDatabaseInUseException(databasePath, exception);
            }
        }
    }

    private static void Release(string key)
    {
        lock (Held)
        {
            if (!Held.TryGetValue(key, out var entry))
            {
                return;
            }

            if (entry.Holders > 1)
            {
                Held[key] = (entry.File, entry.Holders - 1);
                return;
            }

            Held.Remove(key);
            entry.File.Dispose();
        }
    }

    /// <summary>Returns the full path of the file a symbolic link points to, or the path itself.</summary>
    private static string Resolve(string databasePath)
    {
        var fullPath = Path.GetFullPath(databasePath);
        return File.Exists(fullPath) && new FileInfo(fullPath).ResolveLinkTarget(returnFinalTarget: true) is { } target
            ? target.FullName
            : fullPath;
    }

    /// <summary>One holder of the lock, kept with the resolved path that the lock was taken on.</summary>
    private sealed class Holder(string key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Release(key);
            }
        }
    }
}

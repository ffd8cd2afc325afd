namespace OrleansTokens.Grains.Tests;

/// <summary>A SQLite file in a fresh temporary folder, deleted with the folder on dispose.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _folder =
        Path.Combine(Path.GetTempPath(), "orleanstokens-tests", Guid.NewGuid().ToString("N"));

    public TestDatabase()
    {
        Directory.CreateDirectory(_folder);
        FilePath = Path.Combine(_folder, "tokens.db");
    }

    public string FilePath { get; }

    public void Dispose()
    {
        // Pooled connections keep the file open until the pool is cleared.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // NOTE: a leftover temporary folder is harmless, so a failed delete does not fail the tests.
        }
    }
}

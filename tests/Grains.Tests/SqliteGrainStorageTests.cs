using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansTokens.Hosting;
using OrleansTokens.Persistence.Sqlite;

namespace OrleansTokens.Grains.Tests;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private const string StateName = "userTokens";

    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Write_ThenReadReturnsState()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        var written = NewState(("jti-1", TimeSpan.FromMinutes(5)));
        await storage.WriteStateAsync(StateName, grainId, written);

        var read = new GrainState<UserTokensState>(new UserTokensState());
        await storage.ReadStateAsync(StateName, grainId, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(written.State!.Tokens, read.State!.Tokens);
    }

    [Fact]
    public async Task Read_MissingRowHasNoETag()
    {
        var storage = await CreateStorageAsync();
        var read = new GrainState<UserTokensState>(new UserTokensState());

        await storage.ReadStateAsync(StateName, NewGrainId(), read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task Write_ChangesETagEachTime()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        var state = NewState(("jti-1", TimeSpan.FromMinutes(5)));

        await storage.WriteStateAsync(StateName, grainId, state);
        var firstETag = state.ETag;
        await storage.WriteStateAsync(StateName, grainId, state);

        Assert.NotNull(firstETag);
        Assert.NotEqual(firstETag, state.ETag);
    }

    [Fact]
    public async Task Write_WithStaleETagThrowsInconsistentState()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        var current = NewState(("jti-1", TimeSpan.FromMinutes(5)));
        await storage.WriteStateAsync(StateName, grainId, current);
        var stale = NewState(("jti-2", TimeSpan.FromMinutes(5)));
        stale.ETag = current.ETag;
        await storage.WriteStateAsync(StateName, grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, grainId, stale));
    }

    [Fact]
    public async Task Write_WithoutETagOverExistingRowThrows()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        await storage.WriteStateAsync(StateName, grainId, NewState(("jti-1", TimeSpan.FromMinutes(5))));

        var second = NewState(("jti-2", TimeSpan.FromMinutes(5)));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, grainId, second));
    }

    [Fact]
    public async Task Write_FailedWriteKeepsStoredState()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        var current = NewState(("jti-1", TimeSpan.FromMinutes(5)));
        await storage.WriteStateAsync(StateName, grainId, current);
        var stale = NewState(("jti-2", TimeSpan.FromMinutes(5)));
        stale.ETag = "999";

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, grainId, stale));

        var read = new GrainState<UserTokensState>(new UserTokensState());
        await storage.ReadStateAsync(StateName, grainId, read);
        Assert.Equal(current.ETag, read.ETag);
        Assert.Equal(["jti-1"], read.State!.Tokens.Keys);
    }

    [Fact]
    public async Task Write_NonNumericETagThrowsInconsistentState()
    {
        var storage = await CreateStorageAsync();
        var state = NewState(("jti-1", TimeSpan.FromMinutes(5)));
        state.ETag = "not-a-version";

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, NewGrainId(), state));
    }

    [Fact]
    public async Task Clear_RemovesRow()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        var state = NewState(("jti-1", TimeSpan.FromMinutes(5)));
        await storage.WriteStateAsync(StateName, grainId, state);

        await storage.ClearStateAsync(StateName, grainId, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, CountRows());
    }

    [Fact]
    public async Task Clear_WithStaleETagThrowsAndKeepsRow()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        var current = NewState(("jti-1", TimeSpan.FromMinutes(5)));
        await storage.WriteStateAsync(StateName, grainId, current);
        var stale = new GrainState<UserTokensState>(current.State, current.ETag);
        await storage.WriteStateAsync(StateName, grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync(StateName, grainId, stale));
        Assert.Equal(1, CountRows());
    }

    [Fact]
    public async Task Clear_WithoutETagOverExistingRowThrows()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        await storage.WriteStateAsync(StateName, grainId, NewState(("jti-1", TimeSpan.FromMinutes(5))));

        var unaware = new GrainState<UserTokensState>(new UserTokensState());

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync(StateName, grainId, unaware));
    }

    [Fact]
    public async Task Clear_MissingRowWithoutETagSucceeds()
    {
        var storage = await CreateStorageAsync();
        var state = new GrainState<UserTokensState>(new UserTokensState());

        await storage.ClearStateAsync(StateName, NewGrainId(), state);

        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task Write_AfterClearIsFirstWriteAgain()
    {
        var storage = await CreateStorageAsync();
        var grainId = NewGrainId();
        var state = NewState(("jti-1", TimeSpan.FromMinutes(5)));
        await storage.WriteStateAsync(StateName, grainId, state);
        await storage.ClearStateAsync(StateName, grainId, state);

        await storage.WriteStateAsync(StateName, grainId, state);

        Assert.Equal("1", state.ETag);
        Assert.Equal(1, CountRows());
    }

    [Fact]
    public async Task Rows_AreKeyedByServiceId()
    {
        var storageA = await CreateStorageAsync(serviceId: "service-a");
        var storageB = await CreateStorageAsync(serviceId: "service-b");
        var grainId = NewGrainId();
        await storageA.WriteStateAsync(StateName, grainId, NewState(("jti-1", TimeSpan.FromMinutes(5))));

        var read = new GrainState<UserTokensState>(new UserTokensState());
        await storageB.ReadStateAsync(StateName, grainId, read);

        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Write_ConcurrentFirstWritesOnlyOneWins()
    {
        const int Writers = 8;

        // Separate storage instances represent separate silos that share the file.
        var storages = new List<SqliteGrainStorage>();
        for (var i = 0; i < Writers; i++)
        {
            storages.Add(await CreateStorageAsync());
        }

        var grainId = NewGrainId();
        using var start = new Barrier(Writers);
        var writes = storages.Select((storage, i) => Task.Run(async () =>
        {
            var state = NewState(($"jti-{i}", TimeSpan.FromMinutes(5)));
            start.SignalAndWait();
            try
            {
                await storage.WriteStateAsync(StateName, grainId, state);
                return (Won: true, Jti: $"jti-{i}");
            }
            catch (InconsistentStateException)
            {
                return (Won: false, Jti: $"jti-{i}");
            }
        })).ToArray();
        var results = await Task.WhenAll(writes);

        var winner = Assert.Single(results, result => result.Won);
        var read = new GrainState<UserTokensState>(new UserTokensState());
        await storages[0].ReadStateAsync(StateName, grainId, read);
        Assert.Equal([winner.Jti], read.State!.Tokens.Keys);
        Assert.Equal("1", read.ETag);
    }

    [Fact]
    public void Constructor_RejectsMissingPath()
    {
        var options = new SqliteGrainStorageOptions();

        var error = Assert.Throws<ArgumentException>(() => new SqliteGrainStorage(
            "tokens", "service", options, new JsonGrainStateSerializer(), NullLogger<SqliteGrainStorage>.Instance));

        Assert.Contains(nameof(SqliteGrainStorageOptions.DatabasePath), error.Message, StringComparison.Ordinal);
    }

    private async Task<SqliteGrainStorage> CreateStorageAsync(string serviceId = "test-service")
    {
        var options = new SqliteGrainStorageOptions { DatabasePath = _database.FilePath };
        var storage = new SqliteGrainStorage(
            "tokens", serviceId, options, new JsonGrainStateSerializer(), NullLogger<SqliteGrainStorage>.Instance);

        // The schema is created by the silo lifecycle, so run the storage's lifecycle step by hand.
        var lifecycle = new RecordingSiloLifecycle();
        storage.Participate(lifecycle);
        await lifecycle.StartAsync();
        return storage;
    }

    private static GrainId NewGrainId() => GrainId.Create("usertokens", Guid.NewGuid().ToString("N"));

    private static GrainState<UserTokensState> NewState(params (string Jti, TimeSpan Lifetime)[] tokens)
    {
        var state = new UserTokensState();
        var now = DateTimeOffset.UtcNow;
        foreach (var (jti, lifetime) in tokens)
        {
            state.Tokens[jti] = new TokenLifetime(now, now + lifetime);
        }

        return new GrainState<UserTokensState>(state);
    }

    private long CountRows()
    {
        using var connection = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_state;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>A silo lifecycle that only records its observers and starts them in stage order.</summary>
    private sealed class RecordingSiloLifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; }

        public int LowestStoppedStage { get; private set; }

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new NoOpDisposable();
        }

        public async Task StartAsync()
        {
            foreach (var (stage, observer) in _observers.OrderBy(entry => entry.Stage))
            {
                await observer.OnStart(CancellationToken.None);
                HighestCompletedStage = stage;
            }
        }

        private sealed class NoOpDisposable : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}

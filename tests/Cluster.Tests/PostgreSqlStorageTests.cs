using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansTokens.Grains;
using OrleansTokens.Hosting;
using OrleansTokens.Persistence.PostgreSql;

namespace OrleansTokens.Cluster.Tests;

/// <summary>
/// The schema's named queries, run by the real Orleans ADO.NET grain storage provider against PostgreSQL.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PostgreSqlStorageTests(StorageClusterFixture fixture)
    : IClassFixture<StorageClusterFixture>, IAsyncLifetime
{
    private const string DeletingStorage = "deleting";
    private const string ClearingStorage = "clearing";


    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(fixture.Cluster.ConnectionString)
    {
        Database = $"storage_{Guid.NewGuid():N}",
    }.ConnectionString;

    private IHost? _silo;

    public async Task InitializeAsync()
    {
        await ExecuteAsync(fixture.Cluster.ConnectionString,
            $"CREATE DATABASE {new NpgsqlConnectionStringBuilder(_connectionString).Database}");
        await PostgreSqlSchema.ApplyAsync(_connectionString, NullLogger.Instance, CancellationToken.None);

        _silo = Host.CreateDefaultBuilder()
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort: 11711, gatewayPort: 30711);
                silo.AddAdoNetGrainStorage(DeletingStorage, options => Configure(options, deleteOnClear: true));
                silo.AddAdoNetGrainStorage(ClearingStorage, options => Configure(options, deleteOnClear: false));
            })
            .Build();
        await _silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }

    [Fact]
    public async Task WriteThenRead_ReturnsStateAndVersion()
    {
        var storage = Storage(DeletingStorage);
        var grainId = NewGrainId();
        var written = NewState("jti-1");

        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, written);
        var read = new GrainState<UserTokensState>(new UserTokensState());
        await storage.ReadStateAsync(UserTokensGrain.StateName, grainId, read);

        Assert.Equal("1", written.ETag);
        Assert.Equal("1", read.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(["jti-1"], read.State!.Tokens.Keys);
    }

    [Fact]
    public async Task ReadOfMissingState_HasNoETag()
    {
        var read = new GrainState<UserTokensState>(new UserTokensState());

        await Storage(DeletingStorage).ReadStateAsync(UserTokensGrain.StateName, NewGrainId(), read);

        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        Assert.Empty(read.State!.Tokens);
    }

    [Fact]
    public async Task WriteWithStaleETag_RaisesInconsistentState()
    {
        var storage = Storage(DeletingStorage);
        var grainId = NewGrainId();
        var first = NewState("jti-1");
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, first);
        var stale = NewState("jti-2");
        stale.ETag = first.ETag;
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, first);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(UserTokensGrain.StateName, grainId, stale));
    }

    [Fact]
    public async Task ConcurrentFirstWrites_OnlyOneSucceeds()
    {
        var storage = Storage(DeletingStorage);
        var grainId = NewGrainId();
        var writes = Enumerable.Range(0, 8)
            .Select(i => storage.WriteStateAsync(UserTokensGrain.StateName, grainId, NewState($"jti-{i}")))
            .ToArray();

        var outcome = await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                await write;
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcome.Count(succeeded => succeeded));
    }

    [Fact]
    public async Task ClearWithDeleteOnClear_RemovesRow()
    {
        var storage = Storage(DeletingStorage);
        var grainId = NewGrainId();
        var state = NewState("jti-1");
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, state);

        await storage.ClearStateAsync(UserTokensGrain.StateName, grainId, state);

        Assert.Null(state.ETag);
        Assert.Equal(0L, await CountRowsAsync(grainId));
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, NewState("jti-2"));
        Assert.Equal(1L, await CountRowsAsync(grainId));
    }

    [Fact]
    public async Task Clear_KeepsRowWithoutPayloadAndNewVersion()
    {
        var storage = Storage(ClearingStorage);
        var grainId = NewGrainId();
        var state = NewState("jti-1");
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, state);

        await storage.ClearStateAsync(UserTokensGrain.StateName, grainId, state);
        var read = new GrainState<UserTokensState>(new UserTokensState());
        await storage.ReadStateAsync(UserTokensGrain.StateName, grainId, read);

        Assert.Equal("2", state.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Empty(read.State!.Tokens);
    }

    [Fact]
    public async Task ClearWithStaleETag_RaisesInconsistentState()
    {
        var storage = Storage(DeletingStorage);
        var grainId = NewGrainId();
        var state = NewState("jti-1");
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, state);
        var stale = NewState("jti-1");
        stale.ETag = state.ETag;
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, state);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync(UserTokensGrain.StateName, grainId, stale));
    }

    [Fact]
    public async Task SchemaAppliedTwice_KeepsData()
    {
        var grainId = NewGrainId();
        await Storage(DeletingStorage).WriteStateAsync(UserTokensGrain.StateName, grainId, NewState("jti-1"));

        await PostgreSqlSchema.ApplyAsync(_connectionString, NullLogger.Instance, CancellationToken.None);
        await PostgreSqlSchema.ApplyAsync(_connectionString, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(1L, await CountRowsAsync(grainId));
        Assert.Equal(14L, await ScalarAsync("SELECT count(*) FROM orleansquery"));
    }

    [Fact]
    public async Task Migrate_TwoProcessesAtOnce()
    {
        var database = $"migrate_{Guid.NewGuid():N}";
        await ExecuteAsync(fixture.Cluster.ConnectionString, $"CREATE DATABASE {database}");
        var connectionString = new NpgsqlConnectionStringBuilder(_connectionString) { Database = database }.ConnectionString;

        var exitCodes = await Task.WhenAll(RunMigrateAsync(connectionString), RunMigrateAsync(connectionString));

        Assert.Equal([0, 0], exitCodes);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM orleans_tokens_schema", connection);
        Assert.Equal(PostgreSqlSchema.Version, (int)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Sweep_DeletesOnlyRowsWhoseTokensAllExpired()
    {
        var storage = Storage(DeletingStorage);
        var expired = NewGrainId();
        var live = NewGrainId();
        var expiredState = new UserTokensState();
        expiredState.Tokens["old"] = new TokenLifetime(
            DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(-1));
        await storage.WriteStateAsync(
            UserTokensGrain.StateName, expired, new GrainState<UserTokensState>(expiredState));
        await storage.WriteStateAsync(UserTokensGrain.StateName, live, NewState("current"));

        var deleted = await NewSweeper().DeleteExpiredAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal(0L, await CountRowsAsync(expired));
        Assert.Equal(1L, await CountRowsAsync(live));
    }

    [Fact]
    public async Task ExpiryColumn_IsLatestTokenOrSessionExpiry()
    {
        var grainId = NewGrainId();
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var state = new UserTokensState();
        state.Tokens["access"] = new TokenLifetime(now, now.AddMinutes(15));
        state.Sessions["session"] = new SessionRecord(now, null, now.AddDays(14), "refresh", null, null, null);

        await Storage(DeletingStorage).WriteStateAsync(
            UserTokensGrain.StateName, grainId, new GrainState<UserTokensState>(state));

        Assert.Equal(now.AddDays(14), await ReadExpiryAsync(grainId));
    }

    [Fact]
    public async Task ExpiryColumn_ClearedRowIsNegativeInfinity()
    {
        var storage = Storage(ClearingStorage);
        var grainId = NewGrainId();
        var state = NewState("jti-1");
        await storage.WriteStateAsync(UserTokensGrain.StateName, grainId, state);

        await storage.ClearStateAsync(UserTokensGrain.StateName, grainId, state);

        Assert.Equal(DateTime.MinValue, await ScalarAsync<DateTime>(
            $"SELECT expires_at FROM orleans_grain_state WHERE grain_id_ext = '{grainId.Key}'"));
    }

    [Fact]
    public async Task Sweep_KeepsRowWithUnreadablePayload()
    {
        var unreadable = NewGrainId();
        await Storage(DeletingStorage).WriteStateAsync(UserTokensGrain.StateName, unreadable, NewState("jti-1"));
        await ExecuteAsync(_connectionString,
            $"UPDATE orleans_grain_state SET payload = '\\x00ff'::bytea WHERE grain_id_ext = '{unreadable.Key}'");

        var deleted = await NewSweeper().DeleteExpiredAsync(DateTimeOffset.UtcNow.AddYears(1), CancellationToken.None);

        Assert.Equal(0, deleted);
        Assert.Null(await ReadExpiryAsync(unreadable));
        Assert.Equal(1L, await CountRowsAsync(unreadable));
    }

    [Fact]
    public async Task Migrate_FillsExpiryOfVersion1Rows()
    {
        var grainId = NewGrainId();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        var state = new UserTokensState();
        state.Tokens["jti-1"] = new TokenLifetime(expiresAt.AddMinutes(-5), expiresAt);
        await Storage(DeletingStorage).WriteStateAsync(
            UserTokensGrain.StateName, grainId, new GrainState<UserTokensState>(state));

        // A version 1 database had neither the column nor the trigger.
        await ExecuteAsync(_connectionString, """
            DROP TRIGGER orleans_tokens_state_expiry ON orleans_grain_state;
            ALTER TABLE orleans_grain_state DROP COLUMN expires_at;
            UPDATE orleans_tokens_schema SET version = 1;
            """);
        await PostgreSqlSchema.ApplyAsync(_connectionString, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(expiresAt, await ReadExpiryAsync(grainId));
        Assert.Equal(2L, await ScalarAsync("SELECT version::bigint FROM orleans_tokens_schema"));
        Assert.Equal(1L, await ScalarAsync(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'orleans_grain_state_expiry_idx'"));
    }

    [Fact]
    public async Task MembershipCleanup_RemovesSiloDeclaredDead()
    {
        using var host = Host.CreateDefaultBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(options => options.ClusterId = options.ServiceId = "membership-test");
                silo.ConfigureEndpoints(System.Net.IPAddress.Loopback, 11713, 30713);
                silo.UseAdoNetClustering(options =>
                {
                    options.Invariant = "Npgsql";
                    options.ConnectionString = _connectionString;
                });
            })
            .Build();
        await host.StartAsync();
        try
        {
            var table = host.Services.GetRequiredService<IMembershipTable>();
            var cutoff = DateTime.UtcNow.AddHours(-1);
            var voter = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 40000), 1);
            var killed = await InsertDeadSiloAsync(table, 40001, suspectedAt: cutoff.AddMinutes(-30));
            var recentlySuspected = await InsertDeadSiloAsync(table, 40002, suspectedAt: cutoff.AddMinutes(10));
            var unsuspected = await InsertDeadSiloAsync(table, 40003, suspectedAt: null);

            await table.CleanupDefunctSiloEntriesAsync(cutoff, CancellationToken.None);

            var remaining = (await table.ReadAllAsync(CancellationToken.None)).Members.Select(member => member.Item1.SiloAddress).ToList();
            Assert.DoesNotContain(killed, remaining);
            Assert.DoesNotContain(unsuspected, remaining);
            Assert.Contains(recentlySuspected, remaining);
            Assert.Equal(2, remaining.Count);

            async Task<SiloAddress> InsertDeadSiloAsync(IMembershipTable membership, int port, DateTime? suspectedAt)
            {
                var address = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), 1);
                var entry = new MembershipEntry
                {
                    SiloAddress = address,
                    Status = SiloStatus.Dead,
                    HostName = "test-host",
                    SiloName = $"dead-{port}",
                    StartTime = cutoff.AddHours(-1),
                    IAmAliveTime = cutoff.AddMinutes(-45),
                };
                var version = (await membership.ReadAllAsync(CancellationToken.None)).Version;
                Assert.True(
                    await membership.InsertRowAsync(entry, version.Next(), CancellationToken.None),
                    $"Inserting silo {port} failed.");

                // Orleans declares a silo dead by an update that adds the voting silo to its suspicions.
                if (suspectedAt is { } time)
                {
                    var row = await membership.ReadRowAsync(address, CancellationToken.None);
                    var (stored, etag) = row.Members.Single();
                    stored.SuspectTimes = [Tuple.Create(voter, time)];
                    Assert.True(
                        await membership.UpdateRowAsync(stored, etag, row.Version.Next(), CancellationToken.None),
                        $"Suspecting silo {port} failed.");
                }

                return address;
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<int> RunMigrateAsync(string connectionString)
    {
        var silo = Path.Combine(RepositoryRoot.Path, "src", "Silo", "bin", "Debug", "net10.0", "OrleansTokens.Silo.dll");
        var startInfo = new ProcessStartInfo("dotnet") { ArgumentList = { silo, "migrate" }, RedirectStandardOutput = true };
        startInfo.Environment["ConnectionStrings__OrleansTokens"] = connectionString;
        using var process = Process.Start(startInfo)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private void Configure(AdoNetGrainStorageOptions options, bool deleteOnClear)
    {
        options.Invariant = "Npgsql";
        options.ConnectionString = _connectionString;
        options.GrainStorageSerializer = new JsonGrainStateSerializer();
        options.DeleteStateOnClear = deleteOnClear;
    }

    private IGrainStorage Storage(string name) => _silo!.Services.GetRequiredKeyedService<IGrainStorage>(name);

    private static GrainId NewGrainId() => GrainId.Create("usertokens", $"user-{Guid.NewGuid():N}");

    private static GrainState<UserTokensState> NewState(string jti)
    {
        var state = new UserTokensState();
        state.Tokens[jti] = new TokenLifetime(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5));
        return new GrainState<UserTokensState>(state);
    }

    private PostgreSqlExpiredStateStore NewSweeper() => new(
        _connectionString, _silo!.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);

    private async Task<DateTimeOffset?> ReadExpiryAsync(GrainId grainId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT expires_at FROM orleans_grain_state WHERE grain_id_ext = @grain", connection);
        command.Parameters.AddWithValue("grain", grainId.Key.ToString());
        return await command.ExecuteScalarAsync() is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    private Task<long> CountRowsAsync(GrainId grainId) =>
        ScalarAsync($"SELECT count(*) FROM orleans_grain_state WHERE grain_id_ext = '{grainId.Key}'");

    private Task<long> ScalarAsync(string sql) => ScalarAsync<long>(sql);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

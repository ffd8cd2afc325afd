using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansTokens.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class UserTokensGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private IssuedToken NewToken(string jti, TimeSpan? lifetime = null)
    {
        var now = fixture.Clock.GetUtcNow();
        return new IssuedToken(jti, now, now + (lifetime ?? Lifetime));
    }

    [Fact]
    public async Task Register_MakesTokenActive()
    {
        var user = fixture.User("register-active");

        await user.RegisterAsync(NewToken("jti-1"));

        Assert.True(await user.IsActiveAsync("jti-1"));
    }

    [Fact]
    public async Task IsActive_FalseForUnknownJti()
    {
        var user = fixture.User("unknown-jti");
        await user.RegisterAsync(NewToken("jti-1"));

        Assert.False(await user.IsActiveAsync("jti-2"));
    }

    [Fact]
    public async Task IsActive_FalseForOtherUsersJti()
    {
        var owner = fixture.User("owner-a");
        var other = fixture.User("owner-b");
        await owner.RegisterAsync(NewToken("shared-looking-jti"));

        Assert.False(await other.IsActiveAsync("shared-looking-jti"));
    }

    [Fact]
    public async Task Revoke_RemovesOnlyThatToken()
    {
        var user = fixture.User("revoke-one");
        await user.RegisterAsync(NewToken("keep"));
        await user.RegisterAsync(NewToken("drop"));

        var wasActive = await user.RevokeAsync("drop");

        Assert.True(wasActive);
        Assert.False(await user.IsActiveAsync("drop"));
        Assert.True(await user.IsActiveAsync("keep"));
    }

    [Fact]
    public async Task Revoke_UnknownJtiReturnsFalse()
    {
        var user = fixture.User("revoke-unknown");
        await user.RegisterAsync(NewToken("jti-1"));

        Assert.False(await user.RevokeAsync("never-issued"));
        Assert.True(await user.IsActiveAsync("jti-1"));
    }

    [Fact]
    public async Task Revoke_TwiceReturnsFalseTheSecondTime()
    {
        var user = fixture.User("revoke-twice");
        await user.RegisterAsync(NewToken("jti-1"));

        Assert.True(await user.RevokeAsync("jti-1"));
        Assert.False(await user.RevokeAsync("jti-1"));
    }

    [Fact]
    public async Task RevokeAll_RevokesEveryTokenAndReturnsCount()
    {
        var user = fixture.User("revoke-all");
        await user.RegisterAsync(NewToken("a"));
        await user.RegisterAsync(NewToken("b"));
        await user.RegisterAsync(NewToken("c"));

        var revoked = await user.RevokeAllAsync();

        Assert.Equal(3, revoked);
        Assert.False(await user.IsActiveAsync("a"));
        Assert.False(await user.IsActiveAsync("b"));
        Assert.False(await user.IsActiveAsync("c"));
        Assert.Empty(await user.ListActiveAsync());
    }

    [Fact]
    public async Task RevokeAll_WithNoTokensReturnsZero()
    {
        var user = fixture.User("revoke-all-empty");

        Assert.Equal(0, await user.RevokeAllAsync());
    }

    [Fact]
    public async Task RevokeAll_LeavesOtherUsersTokens()
    {
        var revoking = fixture.User("revoke-all-self");
        var bystander = fixture.User("revoke-all-bystander");
        await revoking.RegisterAsync(NewToken("mine"));
        await bystander.RegisterAsync(NewToken("theirs"));

        await revoking.RevokeAllAsync();

        Assert.True(await bystander.IsActiveAsync("theirs"));
    }

    [Fact]
    public async Task ListActive_ReturnsTokensOldestFirst()
    {
        var user = fixture.User("list-order");
        var now = fixture.Clock.GetUtcNow();
        var newer = new IssuedToken("newer", now, now + Lifetime);
        var older = new IssuedToken("older", now - TimeSpan.FromMinutes(1), now + Lifetime);
        await user.RegisterAsync(newer);
        await user.RegisterAsync(older);

        var tokens = await user.ListActiveAsync();

        // ImmutableArray compares by reference, so compare the items as a plain array.
        Assert.Equal([older, newer], tokens.ToArray());
    }

    [Fact]
    public async Task Register_SameTokenTwiceIsNoOp()
    {
        var user = fixture.User("register-twice");
        var token = NewToken("jti-1");
        await user.RegisterAsync(token);
        var versionAfterFirst = ReadStoredVersion("register-twice");

        await user.RegisterAsync(token);

        Assert.Single(await user.ListActiveAsync());
        Assert.Equal(versionAfterFirst, ReadStoredVersion("register-twice"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\tinside")]
    public async Task Register_InvalidJtiThrows(string jti)
    {
        var user = fixture.User("register-invalid");

        await Assert.ThrowsAsync<ArgumentException>(() => user.RegisterAsync(NewToken(jti)));
    }

    [Fact]
    public async Task Register_TooLongJtiThrows()
    {
        var user = fixture.User("register-too-long");
        var jti = new string('j', TokenLimits.MaxJtiLength + 1);

        await Assert.ThrowsAsync<ArgumentException>(() => user.RegisterAsync(NewToken(jti)));
    }

    [Fact]
    public async Task Register_MaxLengthJtiIsAccepted()
    {
        var user = fixture.User("register-max-length");
        var jti = new string('j', TokenLimits.MaxJtiLength);

        await user.RegisterAsync(NewToken(jti));

        Assert.True(await user.IsActiveAsync(jti));
    }

    [Fact]
    public async Task Register_ExpiryNotAfterIssueThrows()
    {
        var user = fixture.User("register-zero-lifetime");
        var now = fixture.Clock.GetUtcNow();

        await Assert.ThrowsAsync<ArgumentException>(() => user.RegisterAsync(new IssuedToken("jti-1", now, now)));
    }

    [Fact]
    public async Task Register_ExpiredTokenThrows()
    {
        var user = fixture.User("register-expired");
        var now = fixture.Clock.GetUtcNow();
        var token = new IssuedToken("jti-1", now - TimeSpan.FromHours(2), now - TimeSpan.FromHours(1));

        await Assert.ThrowsAsync<ArgumentException>(() => user.RegisterAsync(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task Revoke_InvalidJtiThrows(string jti)
    {
        var user = fixture.User("revoke-invalid");

        await Assert.ThrowsAsync<ArgumentException>(() => user.RevokeAsync(jti));
    }

    [Fact]
    public async Task Revoke_TooLongJtiThrows()
    {
        var user = fixture.User("revoke-too-long");

        await Assert.ThrowsAsync<ArgumentException>(
            () => user.RevokeAsync(new string('j', TokenLimits.MaxJtiLength + 1)));
    }

    [Fact]
    public async Task IsActive_TrueWithinClockSkewAfterExpiry()
    {
        var user = fixture.User("expiry-skew");
        await user.RegisterAsync(NewToken("jti-1", TimeSpan.FromMinutes(1)));

        fixture.Clock.Advance(TimeSpan.FromMinutes(1) + TestSiloConfigurator.ClockSkew - TimeSpan.FromSeconds(1));

        Assert.True(await user.IsActiveAsync("jti-1"));
    }

    [Fact]
    public async Task IsActive_FalseOnceClockSkewHasPassed()
    {
        var user = fixture.User("expiry-past-skew");
        await user.RegisterAsync(NewToken("jti-1", TimeSpan.FromMinutes(1)));

        fixture.Clock.Advance(TimeSpan.FromMinutes(1) + TestSiloConfigurator.ClockSkew);

        Assert.False(await user.IsActiveAsync("jti-1"));
        Assert.Empty(await user.ListActiveAsync());
    }

    [Fact]
    public async Task Revoke_ExpiredTokenReturnsFalse()
    {
        var user = fixture.User("revoke-expired");
        await user.RegisterAsync(NewToken("jti-1", TimeSpan.FromMinutes(1)));
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.False(await user.RevokeAsync("jti-1"));
    }

    [Fact]
    public async Task RevokeAll_CountsOnlyUnexpiredTokens()
    {
        var user = fixture.User("revoke-all-expired");
        await user.RegisterAsync(NewToken("short", TimeSpan.FromMinutes(1)));
        await user.RegisterAsync(NewToken("long", TimeSpan.FromHours(1)));
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1, await user.RevokeAllAsync());
    }

    [Fact]
    public async Task Write_DropsExpiredTokensFromStorage()
    {
        const string UserId = "expiry-pruned";
        var user = fixture.User(UserId);
        await user.RegisterAsync(NewToken("short", TimeSpan.FromMinutes(1)));
        await user.RegisterAsync(NewToken("long", TimeSpan.FromHours(1)));
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));

        await user.RegisterAsync(NewToken("after-expiry"));

        var stored = ReadStoredPayload(UserId);
        Assert.DoesNotContain("\"short\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"long\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"after-expiry\"", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_LastTokenDeletesStoredRow()
    {
        const string UserId = "revoke-last";
        var user = fixture.User(UserId);
        await user.RegisterAsync(NewToken("only"));
        Assert.NotNull(ReadStoredVersion(UserId));

        await user.RevokeAsync("only");

        Assert.Null(ReadStoredVersion(UserId));
    }

    [Fact]
    public async Task Register_AfterRowWasClearedWorks()
    {
        var user = fixture.User("register-after-clear");
        await user.RegisterAsync(NewToken("first"));
        await user.RevokeAllAsync();

        await user.RegisterAsync(NewToken("second"));

        Assert.True(await user.IsActiveAsync("second"));
        Assert.False(await user.IsActiveAsync("first"));
    }

    [Fact]
    public async Task State_SurvivesDeactivation()
    {
        var user = fixture.User("survives-deactivation");
        await user.RegisterAsync(NewToken("kept"));
        await user.RegisterAsync(NewToken("revoked"));
        await user.RevokeAsync("revoked");
        var management = fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0);

        await fixture.DeactivateAllAsync();

        Assert.Equal(0, await management.GetGrainActivationCount((GrainReference)user));
        Assert.True(await user.IsActiveAsync("kept"));
        Assert.False(await user.IsActiveAsync("revoked"));
    }

    [Fact]
    public async Task IsActive_ConcurrentChecksSeeCompletedRevoke()
    {
        var user = fixture.User("concurrent-checks");
        await user.RegisterAsync(NewToken("kept"));
        await user.RegisterAsync(NewToken("revoked"));

        var revoke = user.RevokeAsync("revoked");
        var checksDuringRevoke = Enumerable.Range(0, 20).Select(_ => user.IsActiveAsync("kept")).ToArray();
        await revoke;
        var checksAfterRevoke = await Task.WhenAll(
            Enumerable.Range(0, 20).Select(_ => user.IsActiveAsync("revoked")));

        Assert.All(await Task.WhenAll(checksDuringRevoke), Assert.True);
        Assert.All(checksAfterRevoke, Assert.False);
    }

    [Fact]
    public async Task Register_ConcurrentCallsAllPersist()
    {
        const int Tokens = 100;
        var user = fixture.User("concurrent-registers");

        await Task.WhenAll(Enumerable.Range(0, Tokens).Select(i => user.RegisterAsync(NewToken($"jti-{i}"))));
        await fixture.DeactivateAllAsync();

        Assert.Equal(Tokens, (await user.ListActiveAsync()).Length);
    }

    [Fact]
    public async Task Write_ConflictReloadsAndAppliesAgain()
    {
        const string UserId = "write-conflict";
        var user = fixture.User(UserId);
        await user.RegisterAsync(NewToken("before"));
        var versionBefore = ReadStoredVersion(UserId);

        // Another writer moves the stored version on, so the activation's ETag is stale.
        BumpStoredVersion(UserId);

        await user.RegisterAsync(NewToken("after-conflict"));
        Assert.True(await user.IsActiveAsync("before"));
        Assert.True(await user.IsActiveAsync("after-conflict"));
        Assert.Equal(versionBefore + 2, ReadStoredVersion(UserId));
        Assert.Contains("after-conflict", ReadStoredPayload(UserId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_AfterRowWasDeleted_StartsAgain()
    {
        const string UserId = "row-swept";
        var user = fixture.User(UserId);
        await user.RegisterAsync(NewToken("swept"));

        // A sweep deletes the row while the grain is active and still has its ETag.
        using (var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM grain_state WHERE grain_id = $grain;";
            command.Parameters.AddWithValue("$grain", GrainIdOf(UserId));
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        await user.RegisterAsync(NewToken("after-sweep"));

        Assert.True(await user.IsActiveAsync("after-sweep"));
        Assert.False(await user.IsActiveAsync("swept"));
        Assert.Equal(1L, ReadStoredVersion(UserId));
    }

    private string GrainIdOf(string userId) =>
        fixture.User(userId).GetGrainId().ToString();

    private long? ReadStoredVersion(string userId)
    {
        using var connection = OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_state WHERE grain_id = $grain;";
        command.Parameters.AddWithValue("$grain", GrainIdOf(userId));
        return command.ExecuteScalar() is long version ? version : null;
    }

    private void BumpStoredVersion(string userId)
    {
        using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE grain_state SET version = version + 1 WHERE grain_id = $grain;";
        command.Parameters.AddWithValue("$grain", GrainIdOf(userId));
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private string ReadStoredPayload(string userId)
    {
        using var connection = OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE grain_id = $grain;";
        command.Parameters.AddWithValue("$grain", GrainIdOf(userId));
        var payload = command.ExecuteScalar() as byte[]
            ?? throw new InvalidOperationException($"No stored row for user {userId}.");
        return System.Text.Encoding.UTF8.GetString(payload);
    }

    private SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }
}

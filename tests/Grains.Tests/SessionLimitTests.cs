namespace OrleansTokens.Grains.Tests;

/// <summary>
/// The session cap, a zero grace period and the prune timer, on a cluster with those limits.
/// </summary>
[Collection(TightLimitsClusterCollection.Name)]
public sealed class SessionLimitTests(TightLimitsClusterFixture fixture)
{
    private ManualTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task StartSession_OverCapEvictsOldest()
    {
        var user = fixture.User("cap-evicts-oldest");
        await StartSessionsOneSecondApartAsync(user, "s1", "s2", "s3");

        var evicted = await user.StartSessionAsync(TestSessions.New(Clock, "s4"));

        Assert.Equal(["s1"], evicted.ToArray());
        Assert.False(await user.IsActiveAsync("s1-access"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "s1-refresh"));
        var refreshEvicted = await user.RefreshAsync(
            new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r1")));
        Assert.Equal(RefreshOutcome.Rejected, refreshEvicted.Outcome);

        Assert.Equal(["s2", "s3", "s4"], (await user.ListSessionsAsync()).Select(session => session.SessionId));
        Assert.True(await user.IsActiveAsync("s4-access"));
        var refreshNewest = await user.RefreshAsync(
            new RefreshRequest("s4", "s4-refresh", TestSessions.Pair(Clock, "r4")));
        Assert.Equal(RefreshOutcome.Rotated, refreshNewest.Outcome);
    }

    [Fact]
    public async Task StartSession_EvictsOlderPlainToken()
    {
        var user = fixture.User("cap-plain-token");
        await user.RegisterAsync(TestSessions.PlainToken(Clock, "plain"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await StartSessionsOneSecondApartAsync(user, "s1", "s2");

        var evicted = await user.StartSessionAsync(TestSessions.New(Clock, "s3"));

        Assert.Equal(["plain"], evicted.ToArray());
        Assert.False(await user.IsActiveAsync("plain"));
        Assert.Equal(3, (await user.ListSessionsAsync()).Length);
    }

    [Fact]
    public async Task Register_OverCapEvictsOldestSession()
    {
        var user = fixture.User("cap-register");
        await StartSessionsOneSecondApartAsync(user, "s1", "s2", "s3");

        await user.RegisterAsync(TestSessions.PlainToken(Clock, "plain"));

        Assert.True(await user.IsActiveAsync("plain"));
        Assert.False(await user.IsActiveAsync("s1-access"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "s1-refresh"));
        Assert.Equal(["s2", "s3"], (await user.ListSessionsAsync()).Select(session => session.SessionId));
    }

    [Fact]
    public async Task Refresh_WithoutGraceSecondUseIsReuse()
    {
        var user = fixture.User("no-grace-reuse");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var first = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r1")));

        var second = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r2")));

        Assert.Equal(RefreshOutcome.Rotated, first.Outcome);
        Assert.Equal(RefreshOutcome.ReuseDetected, second.Outcome);
        Assert.Empty(await user.ListSessionsAsync());
        Assert.False(await user.IsActiveAsync("r1-access"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "r1-refresh"));
    }

    [Fact]
    public async Task Refresh_WithoutGraceStoresNoSuccessorText()
    {
        const string UserId = "no-grace-stored";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var successor = TestSessions.Pair(Clock, "r1");

        await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", successor));

        var stored = fixture.ReadStoredPayload(UserId);
        Assert.NotNull(stored);
        Assert.Contains("r1-refresh", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(successor.Access.Value, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(successor.Refresh.Value, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PruneTimer_DeletesRowOnceAllExpired()
    {
        const string UserId = "prune-timer";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1", refreshLifetime: TimeSpan.FromMinutes(30)));
        Assert.NotNull(fixture.ReadStoredVersion(UserId));

        Clock.Advance(TimeSpan.FromMinutes(30) + TestSiloConfigurator.ClockSkew);

        // No grain call from here on: only the timer can delete the row. It ticks on real time.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (fixture.ReadStoredVersion(UserId) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TightLimitsClusterFixture.PruneInterval / 4);
        }

        Assert.Null(fixture.ReadStoredVersion(UserId));
    }

    /// <summary>Starts the sessions in order, so their creation times sort in that order.</summary>
    private async Task StartSessionsOneSecondApartAsync(IUserTokensGrain user, params string[] sessionIds)
    {
        foreach (var sessionId in sessionIds)
        {
            await user.StartSessionAsync(TestSessions.New(Clock, sessionId));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }
}

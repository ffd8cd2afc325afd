namespace OrleansTokens.Grains.Tests;

/// <summary>
/// Expiry of sessions, and what the grain removes from its stored row on a write and on activation.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionExpiryTests(ClusterFixture fixture)
{
    /// <summary>A refresh lifetime that ends before the default one but after the session's access token.</summary>
    private static readonly TimeSpan ShortRefreshLifetime = TimeSpan.FromMinutes(30);

    private ManualTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task Session_ExpiresWithRefreshTokenPlusSkew()
    {
        var user = fixture.User("session-expires");
        await user.StartSessionAsync(TestSessions.New(Clock, "short", ShortRefreshLifetime));
        await user.StartSessionAsync(TestSessions.New(Clock, "long"));

        Clock.Advance(ShortRefreshLifetime + TestSiloConfigurator.ClockSkew - TimeSpan.FromMilliseconds(1));
        Assert.True(await user.IsRefreshTokenActiveAsync("short", "short-refresh"));
        Assert.Equal(2, (await user.ListSessionsAsync()).Length);

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await user.IsRefreshTokenActiveAsync("short", "short-refresh"));
        Assert.Equal(["long"], (await user.ListSessionsAsync()).Select(session => session.SessionId));

        var refresh = await user.RefreshAsync(
            new RefreshRequest("short", "short-refresh", TestSessions.Pair(Clock, "r1")));
        Assert.Equal(RefreshOutcome.Rejected, refresh.Outcome);
        Assert.False(await user.IsActiveAsync("r1-access"));
    }

    [Fact]
    public async Task Write_AfterAllExpiredDeletesRow()
    {
        const string UserId = "session-expired-write";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1", ShortRefreshLifetime));
        Clock.Advance(ShortRefreshLifetime + TestSiloConfigurator.ClockSkew);
        Assert.NotNull(fixture.ReadStoredVersion(UserId));

        await user.RevokeSessionAsync("s1");

        Assert.Null(fixture.ReadStoredVersion(UserId));
    }

    [Fact]
    public async Task Write_DropsExpiredSessionFromStorage()
    {
        const string UserId = "session-expired-dropped";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "old", ShortRefreshLifetime));
        Clock.Advance(ShortRefreshLifetime + TestSiloConfigurator.ClockSkew);

        await user.StartSessionAsync(TestSessions.New(Clock, "new"));

        var stored = fixture.ReadStoredPayload(UserId);
        Assert.NotNull(stored);
        Assert.DoesNotContain("\"old\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("old-access", stored, StringComparison.Ordinal);
        Assert.Contains("\"new\"", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activation_DeletesRowOnceAllExpired()
    {
        const string UserId = "session-expired-activation";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1", ShortRefreshLifetime));
        await fixture.DeactivateAllAsync();
        Clock.Advance(ShortRefreshLifetime + TestSiloConfigurator.ClockSkew);
        Assert.NotNull(fixture.ReadStoredVersion(UserId));

        Assert.False(await user.IsActiveAsync("s1-access"));

        Assert.Null(fixture.ReadStoredVersion(UserId));
    }

    [Fact]
    public async Task Activation_DropsExpiredSessionKeepsLiveToken()
    {
        const string UserId = "session-expired-activation-live";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1", ShortRefreshLifetime));
        var now = Clock.GetUtcNow();
        await user.RegisterAsync(new IssuedToken("live", now, now + TimeSpan.FromHours(2)));
        await fixture.DeactivateAllAsync();
        Clock.Advance(ShortRefreshLifetime + TestSiloConfigurator.ClockSkew);

        Assert.True(await user.IsActiveAsync("live"));

        var stored = fixture.ReadStoredPayload(UserId);
        Assert.NotNull(stored);
        Assert.DoesNotContain("\"s1\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("s1-access", stored, StringComparison.Ordinal);
        Assert.Contains("\"live\"", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_NeverStoresSuccessorText()
    {
        const string UserId = "successor-text";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var successor = TestSessions.Pair(Clock, "r1");

        await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", successor));

        // Within the grace period the redeemed id is stored, but never the text of the tokens issued for it.
        var stored = fixture.ReadStoredPayload(UserId);
        Assert.NotNull(stored);
        Assert.Contains("s1-refresh", stored, StringComparison.Ordinal);
        Assert.Contains("r1-refresh", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(successor.Access.Value, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(successor.Refresh.Value, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_AfterReactivation_ReturnsIdsToSignAgain()
    {
        var user = fixture.User("successor-replay-reactivated");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var successor = TestSessions.Pair(Clock, "r1");
        await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", successor));
        await fixture.DeactivateAllAsync();

        var repeat = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r2")));

        Assert.Equal(RefreshOutcome.Reissue, repeat.Outcome);
        Assert.Null(repeat.Tokens);
        Assert.Equal(successor.Access.Token, repeat.Reissue?.Access);
        Assert.Equal(successor.Refresh.Token, repeat.Reissue?.Refresh);
        Assert.True(await user.IsActiveAsync("r1-access"));
        Assert.False(await user.IsActiveAsync("r2-access"));
        Assert.True(await user.IsRefreshTokenActiveAsync("s1", "r1-refresh"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "r2-refresh"));
    }

    [Fact]
    public async Task Refresh_SameSecond_KeepsNewestAccessTokens()
    {
        var user = fixture.User("access-token-limit-same-second");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));

        // JWT issue times have whole seconds, so every successor here has the same IssuedAt.
        var issuedAt = new ManualTimeProvider(Clock.GetUtcNow());
        var presented = "s1-refresh";
        const int Refreshes = 12;
        for (var i = 1; i <= Refreshes; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(1));
            await user.RefreshAsync(new RefreshRequest("s1", presented, TestSessions.Pair(issuedAt, $"t{i}")));
            presented = $"t{i}-refresh";
        }

        Assert.False(await user.IsActiveAsync("s1-access"));
        Assert.False(await user.IsActiveAsync("t1-access"));
        Assert.False(await user.IsActiveAsync("t2-access"));
        for (var i = 3; i <= Refreshes; i++)
        {
            Assert.True(await user.IsActiveAsync($"t{i}-access"), $"t{i}-access should be active.");
        }
    }

    [Fact]
    public async Task Refresh_KeepsNewestAccessTokensOfSession()
    {
        var user = fixture.User("access-token-limit");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var presented = "s1-refresh";
        const int Refreshes = 12;
        for (var i = 1; i <= Refreshes; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await user.RefreshAsync(new RefreshRequest("s1", presented, TestSessions.Pair(Clock, $"g{i}")));
            presented = $"g{i}-refresh";
        }

        // The login's token and the first two refreshes' tokens are the oldest of 13, beyond the default 10.
        Assert.False(await user.IsActiveAsync("s1-access"));
        Assert.False(await user.IsActiveAsync("g1-access"));
        Assert.False(await user.IsActiveAsync("g2-access"));
        Assert.True(await user.IsActiveAsync("g3-access"));
        Assert.True(await user.IsActiveAsync($"g{Refreshes}-access"));
        Assert.Equal(10, (await user.ListActiveAsync()).Length);
    }
}

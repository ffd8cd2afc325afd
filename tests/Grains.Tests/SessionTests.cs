namespace OrleansTokens.Grains.Tests;

/// <summary>Starting, refreshing and revoking sessions, with the default grace period of the test silos.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionTests(ClusterFixture fixture)
{
    private ManualTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task StartSession_RegistersAccessAndRefreshTokens()
    {
        var user = fixture.User("session-start");

        var evicted = await user.StartSessionAsync(TestSessions.New(Clock, "s1"));

        Assert.Empty(evicted);
        Assert.True(await user.IsActiveAsync("s1-access"));
        Assert.True(await user.IsRefreshTokenActiveAsync("s1", "s1-refresh"));
    }

    [Fact]
    public async Task StartSession_IsListedWithClientDetails()
    {
        var user = fixture.User("session-listed");
        var session = TestSessions.New(Clock, "s1");

        await user.StartSessionAsync(session);

        var listed = Assert.Single(await user.ListSessionsAsync());
        Assert.Equal("s1", listed.SessionId);
        Assert.Equal(session.Access.IssuedAt, listed.CreatedAt);
        Assert.Null(listed.LastRefreshedAt);
        Assert.Equal(session.Refresh.ExpiresAt, listed.ExpiresAt);
        Assert.Equal(TestSessions.UserAgent, listed.UserAgent);
        Assert.Equal(TestSessions.IpAddress, listed.IpAddress);
    }

    [Fact]
    public async Task Register_SessionTokenStaysInSession()
    {
        var user = fixture.User("session-reregister");
        var session = TestSessions.New(Clock, "reregister");
        await user.StartSessionAsync(session);

        await user.RegisterAsync(session.Access);
        await user.RevokeSessionAsync("reregister");

        Assert.False(await user.IsActiveAsync(session.Access.Jti));
    }

    [Fact]
    public async Task RevokeSession_EndedSessionAccessToken()
    {
        var user = fixture.User("session-ended");

        // The refresh token lives one minute; the access token lives fifteen.
        var session = TestSessions.New(Clock, "ended", refreshLifetime: TimeSpan.FromMinutes(1));
        await user.StartSessionAsync(session);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await user.RegisterAsync(TestSessions.PlainToken(Clock, "ended-write-trigger"));

        Assert.True(await user.IsActiveAsync(session.Access.Jti));
        Assert.True(await user.RevokeSessionAsync("ended"));
        Assert.False(await user.IsActiveAsync(session.Access.Jti));
    }

    [Fact]
    public async Task StartSession_DuplicateIdThrows()
    {
        var user = fixture.User("session-duplicate");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var duplicate = TestSessions.New(Clock, "s1") with
        {
            Access = new IssuedToken("other-access", Clock.GetUtcNow(), Clock.GetUtcNow() + TimeSpan.FromMinutes(5)),
        };

        await Assert.ThrowsAsync<ArgumentException>(() => user.StartSessionAsync(duplicate));

        Assert.False(await user.IsActiveAsync("other-access"));
        Assert.Single(await user.ListSessionsAsync());
    }

    [Fact]
    public async Task Refresh_CurrentTokenRotates()
    {
        var user = fixture.User("refresh-rotates");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var successor = TestSessions.Pair(Clock, "r1");

        var result = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", successor));

        Assert.Equal(RefreshOutcome.Rotated, result.Outcome);
        Assert.Equal(successor, result.Tokens);
        Assert.True(await user.IsActiveAsync("r1-access"));
        Assert.True(await user.IsRefreshTokenActiveAsync("s1", "r1-refresh"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "s1-refresh"));

        // Access tokens are not revoked by a refresh: they stay valid until they expire.
        Assert.True(await user.IsActiveAsync("s1-access"));

        var listed = Assert.Single(await user.ListSessionsAsync());
        Assert.Equal(Clock.GetUtcNow(), listed.LastRefreshedAt);
        Assert.Equal(successor.Refresh.Token.ExpiresAt, listed.ExpiresAt);
    }

    [Fact]
    public async Task Refresh_RepeatWithinGraceIsReplayed()
    {
        const string UserId = "refresh-replayed";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var first = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r1")));
        var versionAfterFirst = fixture.ReadStoredVersion(UserId);

        var repeat = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r2")));

        Assert.Equal(RefreshOutcome.Replayed, repeat.Outcome);
        Assert.NotNull(first.Tokens);
        Assert.NotNull(repeat.Tokens);
        Assert.Equal(first.Tokens.Access.Value, repeat.Tokens.Access.Value);
        Assert.Equal(first.Tokens.Refresh.Value, repeat.Tokens.Refresh.Value);
        Assert.Equal(first.Tokens, repeat.Tokens);
        Assert.False(await user.IsActiveAsync("r2-access"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "r2-refresh"));
        Assert.True(await user.IsRefreshTokenActiveAsync("s1", "r1-refresh"));
        Assert.Equal(versionAfterFirst, fixture.ReadStoredVersion(UserId));
    }

    [Fact]
    public async Task Refresh_RepeatJustBeforeGraceEndsIsReplayed()
    {
        var user = fixture.User("refresh-replayed-late");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var first = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r1")));
        Clock.Advance(TestSiloConfigurator.RefreshReuseGracePeriod - TimeSpan.FromMilliseconds(1));

        var repeat = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r2")));

        Assert.Equal(RefreshOutcome.Replayed, repeat.Outcome);
        Assert.Equal(first.Tokens, repeat.Tokens);
    }

    [Fact]
    public async Task Refresh_RepeatAfterGraceRevokesOnlyThatSession()
    {
        var user = fixture.User("refresh-reuse");
        await user.StartSessionAsync(TestSessions.New(Clock, "stolen"));
        await user.StartSessionAsync(TestSessions.New(Clock, "other"));
        await user.RefreshAsync(new RefreshRequest("stolen", "stolen-refresh", TestSessions.Pair(Clock, "r1")));
        Clock.Advance(TestSiloConfigurator.RefreshReuseGracePeriod);

        var reuse = await user.RefreshAsync(
            new RefreshRequest("stolen", "stolen-refresh", TestSessions.Pair(Clock, "r2")));

        Assert.Equal(RefreshOutcome.ReuseDetected, reuse.Outcome);
        Assert.Null(reuse.Tokens);
        Assert.DoesNotContain(await user.ListSessionsAsync(), session => session.SessionId == "stolen");
        Assert.False(await user.IsActiveAsync("stolen-access"));
        Assert.False(await user.IsActiveAsync("r1-access"));
        Assert.False(await user.IsActiveAsync("r2-access"));
        Assert.False(await user.IsRefreshTokenActiveAsync("stolen", "r1-refresh"));

        var afterReuse = await user.RefreshAsync(
            new RefreshRequest("stolen", "r1-refresh", TestSessions.Pair(Clock, "r3")));
        Assert.Equal(RefreshOutcome.Rejected, afterReuse.Outcome);

        Assert.Contains(await user.ListSessionsAsync(), session => session.SessionId == "other");
        Assert.True(await user.IsActiveAsync("other-access"));
        Assert.True(await user.IsRefreshTokenActiveAsync("other", "other-refresh"));
    }

    [Fact]
    public async Task Refresh_ConcurrentCallsKeepOneSuccessor()
    {
        const int Calls = 20;
        var user = fixture.User("refresh-concurrent");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var candidates = Enumerable.Range(0, Calls).Select(i => TestSessions.Pair(Clock, $"c{i}")).ToArray();

        var results = await Task.WhenAll(
            candidates.Select(pair => user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", pair))));

        var keptPair = results[0].Tokens;
        Assert.NotNull(keptPair);
        Assert.Contains(keptPair, candidates);
        Assert.Single(results, result => result.Outcome == RefreshOutcome.Rotated);
        Assert.All(results, result => Assert.Equal(keptPair, result.Tokens));
        Assert.All(results, result => Assert.Contains(
            result.Outcome, new[] { RefreshOutcome.Rotated, RefreshOutcome.Replayed }));

        var activeRefresh = new List<string>();
        var activeAccess = new List<string>();
        foreach (var candidate in candidates)
        {
            if (await user.IsRefreshTokenActiveAsync("s1", candidate.Refresh.Token.Jti))
            {
                activeRefresh.Add(candidate.Refresh.Token.Jti);
            }

            if (await user.IsActiveAsync(candidate.Access.Token.Jti))
            {
                activeAccess.Add(candidate.Access.Token.Jti);
            }
        }

        Assert.Equal([keptPair.Refresh.Token.Jti], activeRefresh);
        Assert.Equal([keptPair.Access.Token.Jti], activeAccess);
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "s1-refresh"));
    }

    [Fact]
    public async Task Refresh_UnknownSessionIsRejected()
    {
        const string UserId = "refresh-unknown";
        var user = fixture.User(UserId);

        var result = await user.RefreshAsync(
            new RefreshRequest("never", "never-refresh", TestSessions.Pair(Clock, "r1")));

        Assert.Equal(RefreshOutcome.Rejected, result.Outcome);
        Assert.Null(result.Tokens);
        Assert.False(await user.IsActiveAsync("r1-access"));
        Assert.Null(fixture.ReadStoredVersion(UserId));
    }

    [Fact]
    public async Task Refresh_UnknownSessionLeavesOthersUnchanged()
    {
        const string UserId = "refresh-unknown-beside";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        var versionBefore = fixture.ReadStoredVersion(UserId);

        var result = await user.RefreshAsync(new RefreshRequest("s2", "s1-refresh", TestSessions.Pair(Clock, "r1")));

        Assert.Equal(RefreshOutcome.Rejected, result.Outcome);
        Assert.False(await user.IsActiveAsync("r1-access"));
        Assert.True(await user.IsRefreshTokenActiveAsync("s1", "s1-refresh"));
        Assert.Equal(versionBefore, fixture.ReadStoredVersion(UserId));
    }

    [Fact]
    public async Task Refresh_RevokedSessionIsRejected()
    {
        const string UserId = "refresh-revoked";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        await user.RevokeSessionAsync("s1");

        var result = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r1")));

        Assert.Equal(RefreshOutcome.Rejected, result.Outcome);
        Assert.Null(result.Tokens);
        Assert.False(await user.IsActiveAsync("r1-access"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "r1-refresh"));
        Assert.Empty(await user.ListSessionsAsync());
        Assert.Null(fixture.ReadStoredVersion(UserId));
    }

    [Fact]
    public async Task RevokeSession_RevokesOnlyThatSession()
    {
        var user = fixture.User("revoke-session");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        await user.StartSessionAsync(TestSessions.New(Clock, "s2"));
        await user.RegisterAsync(TestSessions.PlainToken(Clock, "plain"));
        await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r1")));

        var revoked = await user.RevokeSessionAsync("s1");

        Assert.True(revoked);
        Assert.False(await user.IsActiveAsync("s1-access"));
        Assert.False(await user.IsActiveAsync("r1-access"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "r1-refresh"));
        Assert.True(await user.IsActiveAsync("s2-access"));
        Assert.True(await user.IsRefreshTokenActiveAsync("s2", "s2-refresh"));
        Assert.True(await user.IsActiveAsync("plain"));
        Assert.Equal(["s2"], (await user.ListSessionsAsync()).Select(session => session.SessionId));
    }

    [Fact]
    public async Task RevokeSession_UnknownIdReturnsFalse()
    {
        var user = fixture.User("revoke-session-unknown");
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));

        Assert.True(await user.RevokeSessionAsync("s1"));
        Assert.False(await user.RevokeSessionAsync("s1"));
        Assert.False(await user.RevokeSessionAsync("never"));
    }

    [Fact]
    public async Task RevokeAll_RevokesEverySession()
    {
        const string UserId = "revoke-all-sessions";
        var user = fixture.User(UserId);
        await user.StartSessionAsync(TestSessions.New(Clock, "s1"));
        await user.StartSessionAsync(TestSessions.New(Clock, "s2"));
        await user.RegisterAsync(TestSessions.PlainToken(Clock, "plain"));

        var revoked = await user.RevokeAllAsync();

        Assert.Equal(3, revoked);
        Assert.Empty(await user.ListSessionsAsync());
        Assert.False(await user.IsActiveAsync("s1-access"));
        Assert.False(await user.IsActiveAsync("s2-access"));
        Assert.False(await user.IsActiveAsync("plain"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s1", "s1-refresh"));
        Assert.False(await user.IsRefreshTokenActiveAsync("s2", "s2-refresh"));
        Assert.Null(fixture.ReadStoredVersion(UserId));

        var refresh = await user.RefreshAsync(new RefreshRequest("s1", "s1-refresh", TestSessions.Pair(Clock, "r1")));
        Assert.Equal(RefreshOutcome.Rejected, refresh.Outcome);
    }
}

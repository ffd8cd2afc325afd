namespace OrleansTokens.Grains.Tests;

/// <summary>
/// Builds sessions and signed token pairs for grain tests. The signed text is a stand-in for a compact JWT:
/// the grain stores and returns it but never parses it.
/// </summary>
public static class TestSessions
{
    public static readonly TimeSpan AccessLifetime = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(1);

    public const string UserAgent = "OrleansTokensTests/1.0";

    public const string IpAddress = "192.0.2.10";

    /// <summary>Returns a session whose tokens are <c>{sessionId}-access</c> and <c>{sessionId}-refresh</c>.</summary>
    public static NewSession New(TimeProvider clock, string sessionId, TimeSpan? refreshLifetime = null)
    {
        var now = clock.GetUtcNow();
        return new NewSession(
            sessionId,
            new IssuedToken($"{sessionId}-access", now, now + AccessLifetime),
            new IssuedToken($"{sessionId}-refresh", now, now + (refreshLifetime ?? RefreshLifetime)),
            UserAgent,
            IpAddress);
    }

    /// <summary>Returns an access token without a session, as <c>RegisterAsync</c> takes it.</summary>
    public static IssuedToken PlainToken(TimeProvider clock, string jti)
    {
        var now = clock.GetUtcNow();
        return new IssuedToken(jti, now, now + AccessLifetime);
    }

    /// <summary>Returns a successor pair whose token ids start with <paramref name="name"/>.</summary>
    public static TokenPair Pair(TimeProvider clock, string name, TimeSpan? refreshLifetime = null)
    {
        var now = clock.GetUtcNow();
        var access = new IssuedToken($"{name}-access", now, now + AccessLifetime);
        var refresh = new IssuedToken($"{name}-refresh", now, now + (refreshLifetime ?? RefreshLifetime));
        return new TokenPair(
            new SignedToken(access, $"signed.{name}.access-text"),
            new SignedToken(refresh, $"signed.{name}.refresh-text"));
    }
}

namespace OrleansTokens;

/// <summary>A signed token: its registered id and lifetime, and the compact JWT text handed to the client.</summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.SignedToken")]
public sealed record SignedToken(
    [property: Id(0)] IssuedToken Token,
    [property: Id(1)] string Value);

/// <summary>An access token and the refresh token that can replace it, both of one session.</summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.TokenPair")]
public sealed record TokenPair(
    [property: Id(0)] SignedToken Access,
    [property: Id(1)] SignedToken Refresh);

/// <summary>
/// A session to start at login: its id, its first access and refresh tokens, and what the client sent.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.NewSession")]
public sealed record NewSession(
    [property: Id(0)] string SessionId,
    [property: Id(1)] IssuedToken Access,
    [property: Id(2)] IssuedToken Refresh,
    [property: Id(3)] string? UserAgent,
    [property: Id(4)] string? IpAddress);

/// <summary>
/// A refresh: the session and refresh token id presented, and a successor pair that the caller has already
/// signed. The grain keeps the successor only when the presented token is the session's current one.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.RefreshRequest")]
public sealed record RefreshRequest(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string PresentedJti,
    [property: Id(2)] TokenPair Successor);

/// <summary>What a refresh did.</summary>
[GenerateSerializer, Alias("OrleansTokens.RefreshOutcome")]
public enum RefreshOutcome
{
    /// <summary>The presented token was current; the successor in the request is now the session's pair.</summary>
    Rotated = 0,

    /// <summary>
    /// The presented token was redeemed moments ago, within the grace period; the pair issued then is returned.
    /// </summary>
    Replayed = 1,

    /// <summary>
    /// The presented token was redeemed earlier than the grace period allows; the whole session is revoked.
    /// </summary>
    ReuseDetected = 2,

    /// <summary>The session does not exist (revoked, expired or never started); nothing changed.</summary>
    Rejected = 3,

    /// <summary>
    /// The presented token was redeemed within the grace period, and the stored record of that rotation has no
    /// ids of the pair issued then, so the pair cannot be sent again. Nothing changed.
    /// </summary>
    ReplayUnavailable = 4,

    /// <summary>
    /// The presented token was redeemed within the grace period, but the grain restarted since and no longer
    /// has the text of the pair issued then. <see cref="RefreshResult.Reissue"/> contains that pair's ids and
    /// lifetimes, so the caller signs the same tokens again. Nothing changed.
    /// </summary>
    Reissue = 5,
}

/// <summary>Ids and lifetimes of an access token and a refresh token issued together.</summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.IssuedPair")]
public sealed record IssuedPair(
    [property: Id(0)] IssuedToken Access,
    [property: Id(1)] IssuedToken Refresh);

/// <summary>
/// Result of <see cref="IUserTokensGrain.RefreshAsync"/>: the outcome, the pair for the client, and for
/// <see cref="RefreshOutcome.Reissue"/> the ids of the pair to sign again.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.RefreshResult")]
public sealed record RefreshResult(
    [property: Id(0)] RefreshOutcome Outcome,
    [property: Id(1)] TokenPair? Tokens,
    [property: Id(2)] IssuedPair? Reissue = null);

/// <summary>A session as listed to its user or an administrator.</summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.SessionInfo")]
public sealed record SessionInfo(
    [property: Id(0)] string SessionId,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] DateTimeOffset? LastRefreshedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] string? UserAgent,
    [property: Id(5)] string? IpAddress);

namespace OrleansTokens.Grains;

/// <summary>
/// Persisted state of one user: the active access token ids and the sessions.
/// </summary>
/// <remarks>
/// The storage serializer writes this type as plain JSON without type names, so renaming the class does not
/// break stored rows. Renaming a property does, so treat property names as a storage format.
/// </remarks>
[GenerateSerializer, Alias("OrleansTokens.Grains.UserTokensState")]
public sealed class UserTokensState
{
    /// <summary>Active access tokens keyed by token id (<c>jti</c>): the allowlist.</summary>
    [Id(0)]
    public Dictionary<string, TokenLifetime> Tokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sessions keyed by session id (<c>sid</c>).</summary>
    [Id(1)]
    public Dictionary<string, SessionRecord> Sessions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Copies the collections, so that a change can be made on the copy and dropped if it is not stored.</summary>
    public UserTokensState Clone() => new()
    {
        Tokens = new Dictionary<string, TokenLifetime>(Tokens, StringComparer.Ordinal),
        Sessions = new Dictionary<string, SessionRecord>(Sessions, StringComparer.Ordinal),
    };

    /// <summary>
    /// Removes a session and the access tokens issued in it; returns whether there was either. Access tokens
    /// can outlive the session record, which ends when its refresh token expires.
    /// </summary>
    public bool RemoveSession(string sessionId)
    {
        var removed = Sessions.Remove(sessionId);
        foreach (var (jti, lifetime) in Tokens.ToArray())
        {
            if (lifetime.SessionId == sessionId)
            {
                removed |= Tokens.Remove(jti);
            }
        }

        return removed;
    }
}

/// <summary>Issue and expiry times of one registered access token, and the session it belongs to, if any.</summary>
/// <param name="RegisteredAt">
/// The grain's clock when a login or refresh registered the token. Unlike the whole-second
/// <paramref name="IssuedAt"/>, it orders tokens issued within one second, so the per-session limit revokes
/// the oldest. Null in older rows.
/// </param>
[GenerateSerializer, Immutable, Alias("OrleansTokens.Grains.TokenLifetime")]
public sealed record TokenLifetime(
    [property: Id(0)] DateTimeOffset IssuedAt,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] string? SessionId = null,
    [property: Id(3)] DateTimeOffset? RegisteredAt = null);

/// <summary>
/// One session: when it started and was last refreshed, its current refresh token, and the last rotation.
/// </summary>
/// <param name="ExpiresAt">Expiry of the current refresh token; the session ends with it.</param>
/// <param name="LastRotation">
/// The most recent refresh, kept for the grace period so that a repeat of the redeemed token is recognised.
/// It stores the successor tokens' ids but never their text, which the grain keeps in memory only.
/// </param>
[GenerateSerializer, Immutable, Alias("OrleansTokens.Grains.SessionRecord")]
public sealed record SessionRecord(
    [property: Id(0)] DateTimeOffset CreatedAt,
    [property: Id(1)] DateTimeOffset? LastRefreshedAt,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] string RefreshJti,
    [property: Id(4)] string? UserAgent,
    [property: Id(5)] string? IpAddress,
    [property: Id(6)] RefreshRotation? LastRotation);

/// <summary>A redeemed refresh token id, when it was redeemed, and the ids and lifetimes of its successor pair.</summary>
/// <param name="Successor">
/// Null in rows stored before successors were recorded. With it, a repeat within the grace period after a
/// restart gets the same pair signed again.
/// </param>
[GenerateSerializer, Immutable, Alias("OrleansTokens.Grains.RefreshRotation")]
public sealed record RefreshRotation(
    [property: Id(0)] string RedeemedJti,
    [property: Id(1)] DateTimeOffset RedeemedAt,
    [property: Id(2)] IssuedPair? Successor = null);

using System.Collections.Immutable;
using Orleans.Concurrency;

namespace OrleansTokens;

/// <summary>
/// The allowlist of one user's active token ids, and the user's sessions. The grain key is the user id
/// (the <c>sub</c> claim). Every method that changes state returns only after it has been written to storage.
/// </summary>
/// <remarks>
/// A session is what one login starts: one refresh token at a time, rotated on every refresh, and the access
/// tokens issued with it. Access token ids are on the allowlist; refresh token ids are kept in their session.
/// </remarks>
[Alias("OrleansTokens.IUserTokensGrain")]
public interface IUserTokensGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a token id to the allowlist. Registering a token id that is already present is a no-op.
    /// Throws <see cref="ArgumentException"/> for an empty, oversized or control-character id, an expiry not after
    /// the issue time, or an expiry further in the past than the clock skew.
    /// </summary>
    [Alias("Register")]
    Task RegisterAsync(IssuedToken token);

    /// <summary>Returns whether the token id is on the allowlist and not yet expired.</summary>
    [ReadOnly]
    [Alias("IsActive")]
    Task<bool> IsActiveAsync(string jti);

    /// <summary>Removes one token id; returns whether it was active.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync(string jti);

    /// <summary>
    /// Removes every token id and session of the user; returns how many access tokens were active.
    /// </summary>
    [Alias("RevokeAll")]
    Task<int> RevokeAllAsync();

    /// <summary>
    /// Starts a session and registers its first access token. When the user then has more sessions than the
    /// configured maximum, the oldest are revoked; their ids are returned.
    /// </summary>
    [Alias("StartSession")]
    Task<ImmutableArray<string>> StartSessionAsync(NewSession session);

    /// <summary>Rotates a session's refresh token; see <see cref="RefreshOutcome"/> for what can happen.</summary>
    [Alias("Refresh")]
    Task<RefreshResult> RefreshAsync(RefreshRequest request);

    /// <summary>Revokes a session with its refresh token and access tokens; returns whether it existed.</summary>
    [Alias("RevokeSession")]
    Task<bool> RevokeSessionAsync(string sessionId);

    /// <summary>Lists the active sessions, oldest first.</summary>
    [ReadOnly]
    [Alias("ListSessions")]
    Task<ImmutableArray<SessionInfo>> ListSessionsAsync();

    /// <summary>Returns whether <paramref name="jti"/> is the current, unexpired refresh token of the session.</summary>
    [ReadOnly]
    [Alias("IsRefreshTokenActive")]
    Task<bool> IsRefreshTokenActiveAsync(string sessionId, string jti);

    /// <summary>Lists the active tokens, oldest first.</summary>
    [ReadOnly]
    [Alias("ListActive")]
    Task<ImmutableArray<IssuedToken>> ListActiveAsync();
}

using System.Collections.Immutable;
using Orleans.Concurrency;

namespace OrleansTokens;

/// <summary>
/// The allowlist of one user's active token ids. The grain key is the user id (the <c>sub</c> claim).
/// Every method that changes the list returns only after the new state has been written to storage.
/// </summary>
[Alias("OrleansTokens.IUserTokensGrain")]
public interface IUserTokensGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a token id to the allowlist. Registering a token id that is already present is a no-op.
    /// Throws <see cref="ArgumentException"/> for an empty or oversized id or an expiry in the past.
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

    /// <summary>Removes every token id of the user; returns how many were active.</summary>
    [Alias("RevokeAll")]
    Task<int> RevokeAllAsync();

    /// <summary>Lists the active tokens, oldest first.</summary>
    [ReadOnly]
    [Alias("ListActive")]
    Task<ImmutableArray<IssuedToken>> ListActiveAsync();
}

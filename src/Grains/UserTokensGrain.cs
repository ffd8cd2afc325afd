using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace OrleansTokens.Grains;

/// <summary>
/// Keeps one user's allowlist of token ids in persisted state.
/// </summary>
/// <remarks>
/// Writes run one at a time, as Orleans schedules a non-reentrant grain; <see cref="IsActiveAsync"/> and
/// <see cref="ListActiveAsync"/> are read-only and interleave with each other but never with a write,
/// so a check never sees a change that is not yet durable.
/// </remarks>
public sealed partial class UserTokensGrain(
    [PersistentState(UserTokensGrain.StateName, UserTokensGrain.StorageName)]
    IPersistentState<UserTokensState> state,
    TimeProvider timeProvider,
    IOptions<UserTokensOptions> options,
    ILogger<UserTokensGrain> logger) : Grain, IUserTokensGrain
{
    /// <summary>Name of the grain storage provider that holds user-token state.</summary>
    public const string StorageName = "tokens";

    /// <summary>Name of the state within the grain, stored as the grain type by the storage provider.</summary>
    public const string StateName = "userTokens";

    private readonly TimeSpan _clockSkew = options.Value.ClockSkew;

    private string UserId => this.GetPrimaryKeyString();

    public async Task RegisterAsync(IssuedToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        ThrowIfInvalidJti(token.Jti);
        if (token.ExpiresAt <= token.IssuedAt)
        {
            throw new ArgumentException(
                $"Token '{token.Jti}' expires at {token.ExpiresAt:O}, which is not after its issue time "
                + $"{token.IssuedAt:O}.", nameof(token));
        }

        if (IsExpired(token.ExpiresAt))
        {
            throw new ArgumentException(
                $"Token '{token.Jti}' expired at {token.ExpiresAt:O} and cannot be registered.", nameof(token));
        }

        var lifetime = new TokenLifetime(token.IssuedAt, token.ExpiresAt);
        if (state.State.Tokens.TryGetValue(token.Jti, out var existing) && existing == lifetime)
        {
            return;
        }

        await WriteAsync(tokens => tokens[token.Jti] = lifetime);
        LogRegistered(logger, UserId, token.Jti);
    }

    public Task<bool> IsActiveAsync(string jti)
    {
        var active = jti is not null
            && state.State.Tokens.TryGetValue(jti, out var lifetime)
            && !IsExpired(lifetime.ExpiresAt);
        return Task.FromResult(active);
    }

    public async Task<bool> RevokeAsync(string jti)
    {
        ThrowIfInvalidJti(jti);
        if (!state.State.Tokens.TryGetValue(jti, out var lifetime))
        {
            return false;
        }

        await WriteAsync(tokens => tokens.Remove(jti));
        LogRevoked(logger, UserId, jti);
        return !IsExpired(lifetime.ExpiresAt);
    }

    public async Task<int> RevokeAllAsync()
    {
        if (state.State.Tokens.Count == 0)
        {
            return 0;
        }

        var active = state.State.Tokens.Values.Count(lifetime => !IsExpired(lifetime.ExpiresAt));
        await WriteAsync(tokens => tokens.Clear());
        LogRevokedAll(logger, UserId, active);
        return active;
    }

    public Task<ImmutableArray<IssuedToken>> ListActiveAsync()
    {
        var tokens = state.State.Tokens
            .Where(pair => !IsExpired(pair.Value.ExpiresAt))
            .OrderBy(pair => pair.Value.IssuedAt)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new IssuedToken(pair.Key, pair.Value.IssuedAt, pair.Value.ExpiresAt))
            .ToImmutableArray();
        return Task.FromResult(tokens);
    }

    /// <summary>
    /// Applies a change to a copy of the token list, drops expired tokens, and persists the result.
    /// The in-memory state changes only once storage has accepted the write, so a failed write
    /// leaves the grain exactly as durable storage has it.
    /// </summary>
    private async Task WriteAsync(Action<Dictionary<string, TokenLifetime>> change)
    {
        var previous = state.State.Tokens;
        var next = new Dictionary<string, TokenLifetime>(previous, StringComparer.Ordinal);
        change(next);
        foreach (var (jti, lifetime) in previous)
        {
            if (IsExpired(lifetime.ExpiresAt))
            {
                next.Remove(jti);
            }
        }

        try
        {
            state.State.Tokens = next;
            if (next.Count == 0)
            {
                // An empty allowlist needs no row: reading a missing row yields the same empty state.
                await state.ClearStateAsync();
            }
            else
            {
                await state.WriteStateAsync();
            }
        }
        catch (Exception exception)
        {
            state.State.Tokens = previous;
            LogWriteFailed(logger, exception, UserId);
            if (exception is InconsistentStateException)
            {
                // Another activation wrote this user's state; reload it on the next call.
                DeactivateOnIdle();
            }

            throw;
        }
    }

    private bool IsExpired(DateTimeOffset expiresAt) => expiresAt + _clockSkew <= timeProvider.GetUtcNow();

    private static void ThrowIfInvalidJti(string jti)
    {
        var error = TokenLimits.Validate(jti, "jti", TokenLimits.MaxJtiLength);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(jti));
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Registered token {Jti} for user {UserId}")]
    private static partial void LogRegistered(ILogger logger, string userId, string jti);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Revoked token {Jti} of user {UserId}")]
    private static partial void LogRevoked(ILogger logger, string userId, string jti);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Revoked all {Count} active tokens of user {UserId}")]
    private static partial void LogRevokedAll(ILogger logger, string userId, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error,
        Message = "Writing the token state of user {UserId} failed; the change was not applied")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string userId);
}

using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace OrleansTokens.Grains;

/// <summary>
/// Keeps one user's allowlist of access token ids, and the user's sessions, in persisted state.
/// </summary>
/// <remarks>
/// Writes run one at a time, as Orleans schedules a non-reentrant grain. The read-only methods interleave with
/// each other but never with a write, so a check never reads a change that is not yet durable.
/// </remarks>
public sealed partial class UserTokensGrain(
    [PersistentState(UserTokensGrain.StateName, UserTokensGrain.StorageName)]
    IPersistentState<UserTokensState> state,
    TimeProvider timeProvider,
    IOptions<UserTokensOptions> options,
    ILogger<UserTokensGrain> logger) : Grain, IUserTokensGrain
{
    /// <summary>Name of the grain storage provider that stores user-token state.</summary>
    public const string StorageName = "tokens";

    /// <summary>Name of the state within the grain, stored as the grain type by the storage provider.</summary>
    public const string StateName = "userTokens";

    private readonly UserTokensOptions _options = options.Value;

    // The pair issued by each session's last refresh, for repeats within the grace period. Memory only, so
    // that no token text reaches storage; entries go when the grace period ends (see Prune).
    private readonly Dictionary<string, TokenPair> _issuedSuccessors = new(StringComparer.Ordinal);

    private string UserId => this.GetPrimaryKeyString();

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(
            PruneAsync,
            new GrainTimerCreationOptions(_options.PruneInterval, _options.PruneInterval) { KeepAlive = false });
        await PruneAsync(cancellationToken);
    }

    public async Task RegisterAsync(IssuedToken token)
    {
        ThrowIfInvalid(token, nameof(token));
        // Registering an id again changes nothing, not even a session it was issued in.
        if (state.State.Tokens.ContainsKey(token.Jti))
        {
            return;
        }

        var lifetime = new TokenLifetime(token.IssuedAt, token.ExpiresAt);

        var evicted = await UpdateAsync(tokens =>
        {
            tokens.Tokens[token.Jti] = lifetime;
            return EnforceSessionLimit(tokens);
        });
        LogRegistered(logger, UserId, token.Jti);
        LogEvictions(evicted);
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
        ThrowIfInvalidId(jti, "jti", TokenLimits.MaxJtiLength);
        if (!state.State.Tokens.TryGetValue(jti, out var lifetime))
        {
            return false;
        }

        await UpdateAsync(tokens => tokens.Tokens.Remove(jti));
        LogRevoked(logger, UserId, jti);
        return !IsExpired(lifetime.ExpiresAt);
    }

    public async Task<int> RevokeAllAsync()
    {
        if (state.State.Tokens.Count == 0 && state.State.Sessions.Count == 0)
        {
            return 0;
        }

        var active = await UpdateAsync(tokens =>
        {
            var count = tokens.Tokens.Values.Count(lifetime => !IsExpired(lifetime.ExpiresAt));
            tokens.Tokens.Clear();
            tokens.Sessions.Clear();
            return count;
        });
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

    public async Task<ImmutableArray<string>> StartSessionAsync(NewSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfInvalidId(session.SessionId, "sid", TokenLimits.MaxSessionIdLength);
        ThrowIfInvalid(session.Access, nameof(session));
        ThrowIfInvalid(session.Refresh, nameof(session));
        if (state.State.Sessions.ContainsKey(session.SessionId))
        {
            throw new ArgumentException($"Session '{session.SessionId}' already exists.", nameof(session));
        }

        var evicted = await UpdateAsync(tokens =>
        {
            // The grain's clock, not the token's whole-second iat, so that sessions started within one second
            // keep their order and the session limit revokes the oldest one, never the one just started.
            tokens.Sessions[session.SessionId] = new SessionRecord(
                Now,
                LastRefreshedAt: null,
                session.Refresh.ExpiresAt,
                session.Refresh.Jti,
                Truncate(session.UserAgent, MaxUserAgentLength),
                Truncate(session.IpAddress, MaxIpAddressLength),
                LastRotation: null);
            tokens.Tokens[session.Access.Jti] = new TokenLifetime(
                session.Access.IssuedAt, session.Access.ExpiresAt, session.SessionId, Now);
            return EnforceSessionLimit(tokens);
        });
        LogSessionStarted(logger, UserId, session.SessionId);
        LogEvictions(evicted);
        return evicted;
    }

    public async Task<RefreshResult> RefreshAsync(RefreshRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Successor, nameof(request));
        ThrowIfInvalidId(request.SessionId, "sid", TokenLimits.MaxSessionIdLength);
        ThrowIfInvalidId(request.PresentedJti, "jti", TokenLimits.MaxJtiLength);
        ThrowIfInvalid(request.Successor.Access.Token, nameof(request));
        ThrowIfInvalid(request.Successor.Refresh.Token, nameof(request));

        // Only a rotation or a detected reuse changes state; the other outcomes need no write.
        var preview = RefreshSessions.Apply(
            state.State.Clone(), request, Now, _options, _issuedSuccessors, IsExpired);
        if (preview.Outcome is not (RefreshOutcome.Rotated or RefreshOutcome.ReuseDetected))
        {
            LogRefreshed(logger, UserId, request.SessionId, preview.Outcome);
            return preview;
        }

        var result = await UpdateAsync(tokens =>
            RefreshSessions.Apply(tokens, request, Now, _options, _issuedSuccessors, IsExpired));
        if (result is { Outcome: RefreshOutcome.Rotated, Tokens: { } successor })
        {
            _issuedSuccessors[request.SessionId] = successor;
            LogRefreshed(logger, UserId, request.SessionId, result.Outcome);
        }
        else if (result.Outcome == RefreshOutcome.ReuseDetected)
        {
            _issuedSuccessors.Remove(request.SessionId);
            LogReuseDetected(logger, UserId, request.SessionId);
        }

        return result;
    }

    public async Task<bool> RevokeSessionAsync(string sessionId)
    {
        ThrowIfInvalidId(sessionId, "sid", TokenLimits.MaxSessionIdLength);
        // An ended session can still have live access tokens, so those count too.
        if (!state.State.Sessions.ContainsKey(sessionId)
            && !state.State.Tokens.Values.Any(lifetime => lifetime.SessionId == sessionId))
        {
            return false;
        }

        await UpdateAsync(tokens => tokens.RemoveSession(sessionId));
        LogSessionRevoked(logger, UserId, sessionId);
        return true;
    }

    public Task<ImmutableArray<SessionInfo>> ListSessionsAsync()
    {
        var sessions = state.State.Sessions
            .Where(pair => !IsExpired(pair.Value.ExpiresAt))
            .OrderBy(pair => pair.Value.CreatedAt)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new SessionInfo(
                pair.Key,
                pair.Value.CreatedAt,
                pair.Value.LastRefreshedAt,
                pair.Value.ExpiresAt,
                pair.Value.UserAgent,
                pair.Value.IpAddress))
            .ToImmutableArray();
        return Task.FromResult(sessions);
    }

    public Task<bool> IsRefreshTokenActiveAsync(string sessionId, string jti)
    {
        var active = sessionId is not null
            && state.State.Sessions.TryGetValue(sessionId, out var session)
            && session.RefreshJti == jti
            && !IsExpired(session.ExpiresAt);
        return Task.FromResult(active);
    }

    private bool IsExpired(DateTimeOffset expiresAt) => expiresAt + _options.ClockSkew <= Now;

    private static string? Truncate(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];

    private const int MaxUserAgentLength = 256;

    private const int MaxIpAddressLength = 64;

    private void LogEvictions(ImmutableArray<string> evicted)
    {
        foreach (var id in evicted)
        {
            LogEvicted(logger, UserId, id, _options.MaxSessionsPerUser);
        }
    }
}

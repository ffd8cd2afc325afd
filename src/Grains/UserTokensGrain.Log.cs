using Microsoft.Extensions.Logging;

namespace OrleansTokens.Grains;

/// <summary>Log messages of <see cref="UserTokensGrain"/>. Token ids are logged; token text never is.</summary>
public sealed partial class UserTokensGrain
{
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

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Started session {SessionId} for user {UserId}")]
    private static partial void LogSessionStarted(ILogger logger, string userId, string sessionId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug,
        Message = "Refresh in session {SessionId} of user {UserId}: {Outcome}")]
    private static partial void LogRefreshed(ILogger logger, string userId, string sessionId, RefreshOutcome outcome);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning,
        Message = "Refresh token reuse in session {SessionId} of user {UserId}; the session is revoked")]
    private static partial void LogReuseDetected(ILogger logger, string userId, string sessionId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Revoked session {SessionId} of user {UserId}")]
    private static partial void LogSessionRevoked(ILogger logger, string userId, string sessionId);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information,
        Message = "Revoked {Id} of user {UserId}, the oldest session, to stay within {Max} sessions")]
    private static partial void LogEvicted(ILogger logger, string userId, string id, int max);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
        Message = "The token state of user {UserId} changed in storage; reloading it and applying the change again")]
    private static partial void LogConflictRetry(ILogger logger, Exception exception, string userId);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Pruning the token state of user {UserId} failed")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception, string userId);
}

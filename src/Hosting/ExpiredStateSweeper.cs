using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansTokens.Grains;

namespace OrleansTokens.Hosting;

/// <summary>Deletes stored user-token rows in which every token and session expired before a cutoff.</summary>
public interface IExpiredStateStore
{
    /// <summary>Deletes such rows; returns how many were deleted.</summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>
/// Periodically removes the stored state of users whose tokens have all expired, straight from storage and
/// without activating their grains, so that users who never come back do not keep rows forever.
/// </summary>
/// <remarks>
/// Every silo runs it; deleting is idempotent. A grain that is active when its row is deleted holds only
/// expired entries, and its next write meets a version conflict, reloads the empty state and applies again.
/// </remarks>
public sealed partial class ExpiredStateSweeper(
    IExpiredStateStore store,
    IOptions<UserTokensOptions> options,
    TimeProvider timeProvider,
    ILogger<ExpiredStateSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A host that fails to start cancels this service without a stop call, and it would log a canceled
            // task as a critical failure of a background service. Ending normally avoids that misleading line.
        }
    }

    /// <summary>Runs one sweep; failures are logged, and the next sweep tries again.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow() - options.Value.ClockSkew;
        try
        {
            var deleted = await store.DeleteExpiredAsync(cutoff, cancellationToken);
            LogSwept(logger, deleted, cutoff);
            return deleted;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSweepFailed(logger, exception);
            return 0;
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Deleted the stored state of {Count} users whose tokens all expired before {Cutoff}")]
    private static partial void LogSwept(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Sweeping expired user-token state failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

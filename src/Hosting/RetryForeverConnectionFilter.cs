using Microsoft.Extensions.Logging;

namespace OrleansTokens.Hosting;

/// <summary>
/// Keeps an Orleans client trying to reach the cluster until the host stops, so that an API host can start,
/// and serve its health endpoints, before any silo is up.
/// </summary>
public sealed partial class RetryForeverConnectionFilter(ILogger<RetryForeverConnectionFilter> logger)
    : IClientConnectionRetryFilter
{
    /// <summary>Pause between two connection attempts.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private int _failedAttempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _failedAttempts);

        // The first failure and then one in thirty (about once a minute) are logged.
        if (attempt == 1 || attempt % 30 == 0)
        {
            LogConnectFailed(logger, exception, attempt, RetryDelay.TotalSeconds);
        }

        try
        {
            await Task.Delay(RetryDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "Could not connect to the Orleans cluster ({Attempts} failed attempts); retrying every {DelaySeconds} s")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, int attempts, double delaySeconds);
}

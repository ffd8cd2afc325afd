using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Turns an Orleans failure inside an endpoint (a silo that cannot be reached, a timed-out grain call,
/// a storage error) into a 503 with problem details and <c>Retry-After</c>. Until the host has connected to
/// the cluster, any exception is taken for that cause. Acts only in apps that call <c>UseExceptionHandler()</c>.
/// </summary>
public sealed partial class RevocationStoreExceptionHandler(
    IOptions<TokenRevocationOptions> options,
    ClusterReadiness readiness,
    ILogger<RevocationStoreExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var clusterFailure = !readiness.IsReady || IsClusterFailure(exception);
        if (!clusterFailure || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, exception, httpContext.Request.Path);
        await ServiceUnavailableProblem.WriteAsync(
            httpContext,
            options.Value.RetryAfter,
            "The revocation store could not complete the request, and nothing was changed or acknowledged.");
        return true;
    }

    // Orleans' own exceptions (serialization errors among them) and time-outs mean the cluster or its storage
    // failed. Anything else is a bug in the endpoint, so it stays a 500.
    private static bool IsClusterFailure(Exception exception)
    {
        if (exception is OrleansException or TimeoutException)
        {
            return true;
        }

        var ns = exception.GetType().Namespace ?? "";
        return ns == "Orleans" || ns.StartsWith("Orleans.", StringComparison.Ordinal);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error,
        Message = "The revocation store failed during {Path}; responding 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path);
}

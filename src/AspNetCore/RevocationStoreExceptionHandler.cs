using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Turns an Orleans failure inside an endpoint (a silo that cannot be reached, a timed-out grain call,
/// a storage error) into a 503 with problem details and <c>Retry-After</c>. Acts only in apps that call
/// <c>UseExceptionHandler()</c>.
/// </summary>
public sealed partial class RevocationStoreExceptionHandler(
    IOptions<TokenRevocationOptions> options,
    ILogger<RevocationStoreExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (OrleansException or TimeoutException) || httpContext.Response.HasStarted)
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

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error,
        Message = "The revocation store failed during {Path}; responding 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path);
}

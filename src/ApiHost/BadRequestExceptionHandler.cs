using Microsoft.AspNetCore.Diagnostics;

namespace OrleansTokens.ApiHost;

/// <summary>
/// Responds to a request that Kestrel or the framework rejected while an endpoint read it (a body over the size
/// limit, a malformed body) with that exception's status code and a problem body, instead of a 500.
/// </summary>
public sealed partial class BadRequestExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogRejected(logger, badRequest.StatusCode, httpContext.Request.Path, badRequest.Message);
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = "Invalid request",
                Detail = badRequest.Message,
            },
        });
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information,
        Message = "Rejected a request to {Path} with {StatusCode}: {Reason}")]
    private static partial void LogRejected(ILogger logger, int statusCode, string path, string reason);
}

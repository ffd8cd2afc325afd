using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Writes the 503 response, with a problem-details body and <c>Retry-After</c>, that is sent when the
/// revocation store cannot be reached.
/// </summary>
internal static class ServiceUnavailableProblem
{
    public static async Task WriteAsync(HttpContext httpContext, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Token revocation store unavailable",
            Detail = $"{detail} Retry after {seconds} seconds.",
            Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        };

        var problemDetailsService = httpContext.RequestServices.GetService<IProblemDetailsService>();
        var written = problemDetailsService is not null && await problemDetailsService.TryWriteAsync(
            new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
        if (!written)
        {
            await response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
        }
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// Settings of the login rate limit, bound from the <c>RateLimiting:Login</c> configuration section.
/// </summary>
public sealed class LoginRateLimitSettings
{
    /// <summary>Configuration section that binds to this class.</summary>
    public const string SectionName = "RateLimiting:Login";

    /// <summary>Login attempts allowed per client address in each window. Default: 60.</summary>
    public int PermitLimit { get; set; } = 60;

    /// <summary>Length of the fixed window. Default: 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Limits login attempts per client address, which slows password guessing and bounds the password hashing
/// and logging that failed attempts cause. A request over the limit gets 429 with a problem body and
/// <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// NOTE: the client address is the connection's remote address. Behind a reverse proxy that is the proxy's, so
/// configure forwarded headers there, or every client shares one limit.
/// </remarks>
public static class LoginRateLimiting
{
    /// <summary>Name of the rate limiting policy applied to <c>POST /auth/login</c>.</summary>
    public const string PolicyName = "login";

    public static WebApplicationBuilder AddLoginRateLimiting(this WebApplicationBuilder builder)
    {
        var settings = new LoginRateLimitSettings();
        builder.Configuration.GetSection(LoginRateLimitSettings.SectionName).Bind(settings);
        if (settings.PermitLimit < 1 || settings.Window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"RateLimiting:Login has PermitLimit {settings.PermitLimit} and Window {settings.Window}; set "
                + "PermitLimit to at least 1 and Window to a positive time span such as 00:01:00.");
        }

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(PolicyName, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitLimit,
                    Window = settings.Window,
                    QueueLimit = 0,
                }));
            options.OnRejected = (context, cancellationToken) =>
                WriteRejectionAsync(context, settings.Window, cancellationToken);
        });
        return builder;
    }

    private static async ValueTask WriteRejectionAsync(
        OnRejectedContext context, TimeSpan window, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var httpContext = context.HttpContext;
        httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await httpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many login attempts",
                    Detail = $"Too many login attempts from this address; retry after {seconds} seconds.",
                },
            });
    }
}

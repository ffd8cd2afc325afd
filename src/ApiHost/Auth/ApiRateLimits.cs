using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>A fixed-window limit per client address, bound from a <c>RateLimiting:*</c> section.</summary>
public sealed class RateLimitSettings
{
    /// <summary>Requests, or failed client authentications, allowed per client address in each window.</summary>
    public int PermitLimit { get; set; }

    /// <summary>Length of the fixed window. Default: 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Limits, per client address, the requests that cost a password hash or a grain write, and failed OAuth client
/// authentications. A request over a limit gets 429 with a problem body and <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// NOTE: the client address is the connection's remote address. Behind a reverse proxy that is the proxy's, so
/// configure forwarded headers there, or every client shares one limit. Each API host counts on its own, so a
/// cluster of N hosts allows up to N times each limit.
/// </remarks>
public static class ApiRateLimits
{
    /// <summary>Name of the policy on <c>POST /auth/login</c>, configured by <c>RateLimiting:Login</c>.</summary>
    public const string LoginPolicy = "login";

    /// <summary>Name of the policy on <c>POST /auth/refresh</c>, configured by <c>RateLimiting:Refresh</c>.</summary>
    public const string RefreshPolicy = "refresh";

    /// <summary>Login attempts per address and window, by default. They slow password guessing.</summary>
    public const int DefaultLoginLimit = 60;

    /// <summary>Refreshes per address and window, by default. Each one that rotates writes the user's state.</summary>
    public const int DefaultRefreshLimit = 300;

    /// <summary>Failed OAuth client authentications per address and window, by default.</summary>
    public const int DefaultClientFailureLimit = 30;

    /// <summary>
    /// Maximum window. The fixed-window limiter reports the whole window as the wait, so the
    /// <c>Retry-After</c> header is at most a day.
    /// </summary>
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>
    /// Adds the login and refresh policies and the <see cref="ClientAuthenticationThrottle"/>, each from its
    /// configuration section.
    /// </summary>
    public static WebApplicationBuilder AddApiRateLimiting(this WebApplicationBuilder builder)
    {
        // Policy name, then its settings and the words that the 429 body uses for the limited requests.
        var policies = new Dictionary<string, (RateLimitSettings Settings, string Requests)>(StringComparer.Ordinal)
        {
            [LoginPolicy] = (Bind(builder.Configuration, "Login", DefaultLoginLimit), "login attempts"),
            [RefreshPolicy] = (Bind(builder.Configuration, "Refresh", DefaultRefreshLimit), "refresh requests"),
        };
        var clientFailures = Bind(builder.Configuration, "ClientAuthenticationFailures", DefaultClientFailureLimit);

        builder.Services.AddSingleton(_ => new ClientAuthenticationThrottle(clientFailures));
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            foreach (var (name, policy) in policies)
            {
                options.AddPolicy(name, context => PerAddress(context, policy.Settings));
            }

            options.OnRejected = (context, cancellationToken) =>
            {
                var name = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()
                    ?.PolicyName;
                var policy = name is not null && policies.TryGetValue(name, out var found) ? found : policies[LoginPolicy];
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? wait
                    : policy.Settings.Window;
                return WriteTooManyRequestsAsync(context.HttpContext, policy.Requests, retryAfter);
            };
        });
        return builder;
    }

    /// <summary>
    /// Writes 429 with <c>Retry-After</c> in whole seconds and a problem body that names what was limited.
    /// </summary>
    public static async ValueTask WriteTooManyRequestsAsync(HttpContext context, string requests, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Status = StatusCodes.Status429TooManyRequests,
                Title = $"Too many {requests}",
                Detail = $"Too many {requests} from this address; the limit resets within {seconds} seconds.",
            },
        });
    }

    /// <summary>Returns the client address that the limits are partitioned by.</summary>
    public static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerAddress(HttpContext context, RateLimitSettings settings) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = settings.Window,
            QueueLimit = 0,
        });

    private static RateLimitSettings Bind(IConfiguration configuration, string name, int defaultLimit)
    {
        var settings = new RateLimitSettings { PermitLimit = defaultLimit };
        configuration.GetSection($"RateLimiting:{name}").Bind(settings);
        if (settings.PermitLimit < 1 || settings.Window <= TimeSpan.Zero || settings.Window > MaxWindow)
        {
            throw new InvalidOperationException(
                $"RateLimiting:{name} has PermitLimit {settings.PermitLimit} and Window {settings.Window}; set "
                + "PermitLimit to at least 1 and Window to a positive time span of at most 1.00:00:00, such as 00:01:00.");
        }

        return settings;
    }
}

/// <summary>
/// Counts failed OAuth client authentications per client address, so that guessing client secrets is slow.
/// Requests that authenticate are not counted, because a service may introspect on every request it serves.
/// </summary>
/// <remarks>
/// An address that used up its failures is blocked for the rest of the window, also for a client with the
/// right secret, so a service should not share its address with untrusted callers.
/// </remarks>
public sealed class ClientAuthenticationThrottle(RateLimitSettings settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(
        address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = settings.Window,
            QueueLimit = 0,
        }));

    /// <summary>Length of the window, the longest wait a blocked address has.</summary>
    public TimeSpan Window => settings.Window;

    /// <summary>Returns whether the address has used up its failures in the current window.</summary>
    public bool IsBlocked(string address) => _failures.GetStatistics(address)?.CurrentAvailablePermits <= 0;

    /// <summary>Counts one failed authentication from the address.</summary>
    public void RecordFailure(string address)
    {
        using var lease = _failures.AttemptAcquire(address);
    }

    public void Dispose() => _failures.Dispose();
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace OrleansTokens.AspNetCore;

/// <summary>Names of the JWT bearer schemes that get the revocation check.</summary>
internal sealed class TokenRevocationSchemes
{
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Wraps the <see cref="JwtBearerEvents"/> of each registered scheme so that the revocation check runs
/// first in <c>OnTokenValidated</c>, and the 503 for an unreachable store is written in <c>OnChallenge</c>.
/// Handlers that the app set are kept and still run.
/// </summary>
internal sealed class TokenRevocationJwtBearerPostConfigure(
    IOptions<TokenRevocationSchemes> schemes,
    IOptions<TokenRevocationOptions> options,
    TokenRevocationCheck check) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions jwtOptions)
    {
        if (name is null || !schemes.Value.Names.Contains(name))
        {
            return;
        }

        if (jwtOptions.EventsType is not null)
        {
            throw new InvalidOperationException(
                $"The JWT bearer scheme '{name}' sets EventsType, which replaces its Events at request time and "
                + "would skip the revocation check. Set JwtBearerOptions.Events instead of EventsType.");
        }

        var events = jwtOptions.Events ??= new JwtBearerEvents();

        var appTokenValidated = events.OnTokenValidated;
        events.OnTokenValidated = async context =>
        {
            await check.ValidateAsync(context);
            if (context.Result is null)
            {
                await appTokenValidated(context);
            }
        };

        var appChallenge = events.OnChallenge;
        events.OnChallenge = async context =>
        {
            if (context.AuthenticateFailure is RevocationStoreUnavailableException)
            {
                context.HandleResponse();
                await ServiceUnavailableProblem.WriteAsync(
                    context.HttpContext,
                    options.Value.RetryAfter,
                    "The token could not be checked against the revocation store.");
                return;
            }

            await appChallenge(context);
        };
    }
}

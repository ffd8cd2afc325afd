using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Registration of the OrleansTokens revocation check for JWT bearer authentication.
/// </summary>
public static class TokenRevocationAuthenticationBuilderExtensions
{
    /// <summary>
    /// Checks every token that the JWT bearer scheme <paramref name="authenticationScheme"/> validates
    /// against its user's allowlist grain. Needs an <see cref="IGrainFactory"/> in the container, from an
    /// Orleans client or a co-hosted silo. Safe to call more than once.
    /// </summary>
    public static AuthenticationBuilder AddTokenRevocation(
        this AuthenticationBuilder builder,
        string authenticationScheme = JwtBearerDefaults.AuthenticationScheme,
        Action<TokenRevocationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);

        var services = builder.Services;
        var optionsBuilder = services.AddOptions<TokenRevocationOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder
            .Validate(o => o.RetryAfter > TimeSpan.Zero, "OrleansTokens:Revocation:RetryAfter must be positive.")
            .Validate(o => o.CheckTimeout > TimeSpan.Zero, "OrleansTokens:Revocation:CheckTimeout must be positive.")
            .ValidateOnStart();

        services.Configure<TokenRevocationSchemes>(schemes => schemes.Names.Add(authenticationScheme));
        services.TryAddSingleton<TokenRevocationCheck>();
        services.TryAddSingleton<ClusterReadiness>();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, TokenRevocationJwtBearerPostConfigure>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, RevocationStoreExceptionHandler>());
        return builder;
    }
}

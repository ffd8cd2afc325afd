using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OrleansTokens.AspNetCore;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// JWT bearer authentication with the revocation check, token issuing and the configured users.
/// </summary>
public static partial class AuthenticationSetup
{
    /// <summary>Authorization policy of the administration endpoints.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Role that the administration endpoints require.</summary>
    public const string AdminRole = "admin";

    public static WebApplicationBuilder AddTokenAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JwtSettings>().BindConfiguration(JwtSettings.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtSettings>, JwtSettingsValidator>();
        services.Configure<Dictionary<string, UserAccount>>(builder.Configuration.GetSection(UserAccount.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(CreateSigningCredentials);
        services.AddSingleton<CredentialValidator>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<TokenReader>();
        services.Configure<Dictionary<string, OAuthClient>>(builder.Configuration.GetSection(OAuthClient.SectionName));
        services.AddSingleton<OAuthClientAuthenticator>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddTokenRevocation(configure: options =>
                builder.Configuration.GetSection(TokenRevocationOptions.SectionName).Bind(options));

        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtSettings>, SigningCredentials>((options, settings, credentials) =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Value.Issuer,
                    ValidAudience = settings.Value.Audience,
                    IssuerSigningKey = credentials.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidTypes = TokenTypes.AcceptedAsAccess,
                    ClockSkew = settings.Value.ClockSkew,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    NameClaimType = "sub",
                    RoleClaimType = ClaimNames.Role,
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(AdminRole));
        return builder;
    }

    private static SigningCredentials CreateSigningCredentials(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<JwtSettings>>().Value;
        var environment = services.GetRequiredService<IHostEnvironment>();
        var key = SigningKeyLoader.Load(settings, environment.IsDevelopment(), out var generated);
        if (generated)
        {
            LogGeneratedKey(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthenticationSetup)));
        }

        return new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Jwt:SigningKey is not set; using a random key for this process only, so issued tokens stop "
            + "working when it restarts. Set Jwt:SigningKey to keep them valid.")]
    private static partial void LogGeneratedKey(ILogger logger);
}

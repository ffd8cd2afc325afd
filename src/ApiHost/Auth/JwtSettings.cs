namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// Token issuing and validation settings, bound from the <c>Jwt</c> configuration section.
/// </summary>
public sealed class JwtSettings
{
    /// <summary>Configuration section that binds to this class.</summary>
    public const string SectionName = "Jwt";

    /// <summary>The <c>iss</c> claim of issued tokens, and the only issuer accepted. Default: <c>orleans-tokens</c>.</summary>
    public string Issuer { get; set; } = "orleans-tokens";

    /// <summary>The <c>aud</c> claim of issued tokens, and the only audience accepted. Default: <c>orleans-tokens-api</c>.</summary>
    public string Audience { get; set; } = "orleans-tokens-api";

    /// <summary>
    /// Base64-encoded HMAC-SHA256 key of at least 32 bytes (256 bits). Required outside Development.
    /// Never logged.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Lifetime of an access token. Default: 15 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Lifetime of a refresh token. Every refresh issues a new one with this lifetime, and a session ends when its
    /// current refresh token expires. Default: 14 days.
    /// </summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Tolerance for clock differences when checking <c>exp</c> and <c>nbf</c>. Default: 30 seconds.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

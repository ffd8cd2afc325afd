using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// Issues signed access and refresh tokens, and registers them with the user's grain before returning them.
/// </summary>
public sealed class TokenIssuer(
    IGrainFactory grainFactory,
    IOptions<JwtSettings> settings,
    SigningCredentials signingCredentials,
    TimeProvider timeProvider)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>
    /// Starts a session for <paramref name="userId"/> and returns its first token pair once it is durably stored.
    /// </summary>
    public async Task<TokenPair> StartSessionAsync(
        string userId, IReadOnlyList<string> roles, string? userAgent, string? ipAddress)
    {
        var sessionId = NewId();
        var pair = CreatePair(userId, sessionId, roles);
        await grainFactory.GetGrain<IUserTokensGrain>(userId).StartSessionAsync(new NewSession(
            sessionId, pair.Access.Token, pair.Refresh.Token, userAgent, ipAddress));
        return pair;
    }

    /// <summary>
    /// Presents a session's refresh token to the user's grain, with a newly signed successor pair. The grain
    /// decides whether that successor, an earlier one or nothing is returned.
    /// </summary>
    public Task<RefreshResult> RefreshAsync(
        string userId, string sessionId, string presentedJti, IReadOnlyList<string> roles) =>
        grainFactory.GetGrain<IUserTokensGrain>(userId).RefreshAsync(
            new RefreshRequest(sessionId, presentedJti, CreatePair(userId, sessionId, roles)));

    /// <summary>
    /// Signs a pair that the session's grain registered earlier, with the same ids and lifetimes. With an HMAC
    /// key and unchanged roles the text is the same as the first time.
    /// </summary>
    public TokenPair SignAgain(string userId, string sessionId, IssuedPair pair, IReadOnlyList<string> roles) =>
        new(
            Sign(TokenTypes.Access, userId, sessionId, pair.Access, roles),
            Sign(TokenTypes.Refresh, userId, sessionId, pair.Refresh, []));

    private TokenPair CreatePair(string userId, string sessionId, IReadOnlyList<string> roles)
    {
        var now = timeProvider.GetUtcNow();
        var access = NewToken(now, settings.Value.AccessTokenLifetime);
        var refresh = NewToken(now, settings.Value.RefreshTokenLifetime);
        return new TokenPair(
            Sign(TokenTypes.Access, userId, sessionId, access, roles),
            Sign(TokenTypes.Refresh, userId, sessionId, refresh, []));
    }

    private static IssuedToken NewToken(DateTimeOffset now, TimeSpan lifetime)
    {
        // JWT times have whole seconds, and the grain registers exactly the token's values. The issue time is
        // rounded down and the expiry up, so that a token never lives shorter than the configured lifetime.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(
            (long)Math.Ceiling((now + lifetime).ToUnixTimeMilliseconds() / 1000.0));
        return new IssuedToken(NewId(), issuedAt, expiresAt);
    }

    private SignedToken Sign(
        string type, string userId, string sessionId, IssuedToken token, IReadOnlyList<string> roles)
    {
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = userId,
            [JwtRegisteredClaimNames.Jti] = token.Jti,
            [JwtRegisteredClaimNames.Sid] = sessionId,
        };
        if (roles.Count > 0)
        {
            claims[ClaimNames.Role] = roles.ToArray();
        }

        var value = Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = type,
            Issuer = settings.Value.Issuer,
            Audience = settings.Value.Audience,
            IssuedAt = token.IssuedAt.UtcDateTime,
            NotBefore = token.IssuedAt.UtcDateTime,
            Expires = token.ExpiresAt.UtcDateTime,
            Claims = claims,
            SigningCredentials = signingCredentials,
        });
        return new SignedToken(token, value);
    }

    // 128 random bits, base64url: unguessable, and short enough for the grain's id limits.
    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}

/// <summary>Claim names that the sample API writes beyond the registered JWT claims.</summary>
public static class ClaimNames
{
    /// <summary>A role of the user; an array when the user has several.</summary>
    public const string Role = "role";
}

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>A token that this service signed, as read back from its text.</summary>
public sealed record ReadToken(
    bool IsRefreshToken,
    string UserId,
    string TokenId,
    string? SessionId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string Issuer,
    IReadOnlyList<string> Audiences);

/// <summary>
/// Validates token text outside the bearer handler: for the refresh endpoint, and for revocation and
/// introspection requests of other services. Checks signature, algorithm, issuer, audience and type.
/// </summary>
public sealed class TokenReader(IOptions<JwtSettings> settings, SigningCredentials signingCredentials)
{
    /// <summary>Longest token text accepted; tokens this service issues are well under 1 KB.</summary>
    public const int MaxTokenLength = 8192;

    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>
    /// Returns the token's identifiers when it is a well-formed token signed by this service, otherwise null.
    /// With <paramref name="validateLifetime"/> false, an expired token is read too.
    /// </summary>
    public async Task<ReadToken?> ReadAsync(string? text, bool validateLifetime)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxTokenLength)
        {
            return null;
        }

        var result = await Handler.ValidateTokenAsync(text, new TokenValidationParameters
        {
            ValidIssuer = settings.Value.Issuer,
            ValidAudience = settings.Value.Audience,
            IssuerSigningKey = signingCredentials.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidTypes = [.. TokenTypes.AcceptedAsAccess, TokenTypes.Refresh],
            ValidateLifetime = validateLifetime,
            ClockSkew = settings.Value.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return null;
        }

        var userId = ReadClaim(token, JwtRegisteredClaimNames.Sub);
        var tokenId = ReadClaim(token, JwtRegisteredClaimNames.Jti);
        var sessionId = ReadClaim(token, JwtRegisteredClaimNames.Sid);
        if (TokenLimits.Validate(userId, "sub", TokenLimits.MaxUserIdLength) is not null
            || TokenLimits.Validate(tokenId, "jti", TokenLimits.MaxJtiLength) is not null
            || (sessionId is not null
                && TokenLimits.Validate(sessionId, "sid", TokenLimits.MaxSessionIdLength) is not null))
        {
            return null;
        }

        return new ReadToken(
            token.Typ == TokenTypes.Refresh,
            userId!,
            tokenId!,
            sessionId,
            new DateTimeOffset(token.IssuedAt, TimeSpan.Zero),
            new DateTimeOffset(token.ValidTo, TimeSpan.Zero),
            token.Issuer,
            token.Audiences.ToList());
    }

    private static string? ReadClaim(JsonWebToken token, string name) =>
        token.TryGetPayloadValue<string>(name, out var value) ? value : null;
}

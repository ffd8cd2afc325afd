using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// Issues signed access tokens and registers each token id with the user's grain before returning it.
/// </summary>
public sealed class TokenIssuer(
    IGrainFactory grainFactory,
    IOptions<JwtSettings> settings,
    SigningCredentials signingCredentials,
    TimeProvider timeProvider)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>
    /// Creates a token for <paramref name="userId"/> and returns it once its <c>jti</c> is durably registered.
    /// </summary>
    public async Task<string> IssueAsync(string userId, IEnumerable<string> roles)
    {
        // JWT times have whole-second precision; registering the same values keeps the grain and token in step.
        var now = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + settings.Value.AccessTokenLifetime;
        var jti = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

        await grainFactory.GetGrain<IUserTokensGrain>(userId).RegisterAsync(new IssuedToken(jti, now, expires));

        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = userId,
            [JwtRegisteredClaimNames.Jti] = jti,
        };
        var roleList = roles.ToArray();
        if (roleList.Length > 0)
        {
            claims[ClaimNames.Role] = roleList;
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Value.Issuer,
            Audience = settings.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = signingCredentials,
        });
    }
}

/// <summary>Claim names that the sample API writes beyond the registered JWT claims.</summary>
public static class ClaimNames
{
    /// <summary>A role of the user; an array when the user has several.</summary>
    public const string Role = "role";
}

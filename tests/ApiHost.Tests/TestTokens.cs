using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>Builds tokens by hand for the cases that the API itself never issues.</summary>
public static class TestTokens
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Returns the <c>sub</c> and <c>jti</c> claims of a token issued by the API.</summary>
    public static (string Sub, string Jti) ReadIdentifiers(string token)
    {
        var parsed = new JsonWebToken(token);
        return (parsed.Subject, parsed.Id);
    }

    /// <summary>Returns the <c>sid</c> claim of a token issued by the API.</summary>
    public static string ReadSessionId(string token) =>
        new JsonWebToken(token).GetPayloadValue<string>(JwtRegisteredClaimNames.Sid);

    /// <summary>
    /// Returns the claims of a token that the API would accept, valid for 10 minutes from now. A claim set
    /// to <see langword="null"/> is left out.
    /// </summary>
    public static Dictionary<string, object?> Claims(string? sub, string? jti)
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object?>
        {
            [JwtRegisteredClaimNames.Iss] = ApiFactory.Issuer,
            [JwtRegisteredClaimNames.Aud] = ApiFactory.Audience,
            [JwtRegisteredClaimNames.Sub] = sub,
            [JwtRegisteredClaimNames.Jti] = jti,
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Nbf] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Exp] = (now + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(),
        };
    }

    /// <summary>
    /// Signs <paramref name="claims"/> with HMAC-SHA256 and the base64 key in <paramref name="signingKey"/>.
    /// </summary>
    public static string Sign(IDictionary<string, object?> claims, string signingKey)
    {
        var key = new SymmetricSecurityKey(Convert.FromBase64String(signingKey));
        var payload = JsonSerializer.Serialize(claims.Where(claim => claim.Value is not null)
            .ToDictionary(claim => claim.Key, claim => claim.Value));
        return Handler.CreateToken(payload, new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
    }

    /// <summary>
    /// Signs a copy of the claims of <paramref name="token"/> with the base64 key in <paramref name="signingKey"/>,
    /// keeping the header <c>typ</c>.
    /// </summary>
    public static string Resign(string token, string signingKey)
    {
        var parsed = new JsonWebToken(token);
        var key = new SymmetricSecurityKey(Convert.FromBase64String(signingKey));
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parsed.EncodedPayload));
        return Handler.CreateToken(
            payload,
            new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = parsed.Typ });
    }

    /// <summary>
    /// Returns an unsigned token with header <c>{"alg":"none","typ":"JWT"}</c> and an empty signature.
    /// </summary>
    public static string Unsigned(IDictionary<string, object?> claims)
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(
            claims.Where(claim => claim.Value is not null).ToDictionary(claim => claim.Key, claim => claim.Value)));
        return $"{header}.{payload}.";
    }
}

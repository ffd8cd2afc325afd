using System.Text.Json.Serialization;

namespace OrleansTokens.ApiHost.Endpoints;

/// <summary>Response of a login or refresh: a token pair in the field names of RFC 6749.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn)
{
    public static TokenResponse From(TokenPair pair, DateTimeOffset now) => new(
        pair.Access.Value,
        pair.Refresh.Value,
        "Bearer",
        Math.Max(0, (long)(pair.Access.Token.ExpiresAt - now).TotalSeconds));
}

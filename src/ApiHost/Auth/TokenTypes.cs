namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// The JWT header <c>typ</c> values that tell access tokens from refresh tokens, so that neither is accepted
/// where the other is expected.
/// </summary>
public static class TokenTypes
{
    /// <summary>Access token type of RFC 9068.</summary>
    public const string Access = "at+jwt";

    /// <summary>Refresh token type of this service.</summary>
    public const string Refresh = "rt+jwt";

    /// <summary>
    /// Types accepted as access tokens: <see cref="Access"/>, and the generic <c>JWT</c> of tokens made by other
    /// issuers that share the key. Never <see cref="Refresh"/>.
    /// </summary>
    public static readonly string[] AcceptedAsAccess = [Access, "JWT"];
}

namespace OrleansTokens.AspNetCore;

/// <summary>
/// The user id and token id of the bearer token that authenticated the current request, set by the
/// revocation check once the token has passed it. Read it with
/// <c>HttpContext.Features.Get&lt;IRevocableTokenFeature&gt;()</c> to revoke the current token.
/// </summary>
public interface IRevocableTokenFeature
{
    /// <summary>The <c>sub</c> claim: the key of the user's grain.</summary>
    string UserId { get; }

    /// <summary>The <c>jti</c> claim.</summary>
    string TokenId { get; }

    /// <summary>The <c>sid</c> claim: the session the token was issued in, or null for a token without one.</summary>
    string? SessionId { get; }
}

internal sealed record RevocableTokenFeature(string UserId, string TokenId, string? SessionId)
    : IRevocableTokenFeature;

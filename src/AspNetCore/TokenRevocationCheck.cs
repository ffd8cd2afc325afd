using System.IdentityModel.Tokens.Jwt;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using ClaimNames = Microsoft.IdentityModel.JsonWebTokens.JwtRegisteredClaimNames;

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Checks a validated bearer token against its user's allowlist grain.
/// </summary>
/// <remarks>
/// Runs in <see cref="JwtBearerEvents.OnTokenValidated"/>, so the handler has already checked the signature,
/// lifetime, issuer and audience. A token passes only when its user's grain reports the <c>jti</c> active;
/// any failure to ask the grain fails the request closed.
/// </remarks>
internal sealed partial class TokenRevocationCheck(
    IGrainFactory grainFactory,
    ClusterReadiness readiness,
    IOptions<TokenRevocationOptions> options,
    ILogger<TokenRevocationCheck> logger)
{
    public async Task ValidateAsync(TokenValidatedContext context)
    {
        var (userId, tokenId) = ReadIdentifiers(context);
        var error = TokenLimits.Validate(userId, "sub", TokenLimits.MaxUserIdLength)
            ?? TokenLimits.Validate(tokenId, "jti", TokenLimits.MaxJtiLength);
        if (error is not null || userId is null || tokenId is null)
        {
            error ??= "The token has no 'sub' or 'jti' claim.";
            LogMalformed(logger, error);
            context.Fail(error);
            return;
        }

        if (!readiness.IsReady)
        {
            context.Fail(new RevocationStoreUnavailableException(
                "The host has not connected to the revocation store yet."));
            return;
        }

        bool active;
        try
        {
            active = await grainFactory.GetGrain<IUserTokensGrain>(userId)
                .IsActiveAsync(tokenId)
                .WaitAsync(options.Value.CheckTimeout, context.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.Fail("The request was aborted before the token was checked.");
            return;
        }
        catch (Exception exception)
        {
            LogStoreUnavailable(logger, exception, userId);
            context.Fail(new RevocationStoreUnavailableException(
                "The revocation store could not be reached to check the token.", exception));
            return;
        }

        if (!active)
        {
            LogRejected(logger, userId, tokenId);
            context.Fail("The token has been revoked or was not issued by this service.");
            return;
        }

        var sessionId = ReadSessionId(context);
        context.HttpContext.Features.Set<IRevocableTokenFeature>(new RevocableTokenFeature(userId, tokenId, sessionId));
        LogAccepted(logger, userId, tokenId);
    }

    private static (string? UserId, string? TokenId) ReadIdentifiers(TokenValidatedContext context) =>
        context.SecurityToken switch
        {
            JsonWebToken token => (ReadClaim(token, ClaimNames.Sub), ReadClaim(token, ClaimNames.Jti)),
            JwtSecurityToken token => (token.Subject, token.Id),
            _ => (context.Principal?.FindFirst(ClaimNames.Sub)?.Value,
                context.Principal?.FindFirst(ClaimNames.Jti)?.Value),
        };

    private static string? ReadSessionId(TokenValidatedContext context)
    {
        var sessionId = context.SecurityToken switch
        {
            JsonWebToken token => ReadClaim(token, ClaimNames.Sid),
            _ => context.Principal?.FindFirst(ClaimNames.Sid)?.Value,
        };
        return TokenLimits.Validate(sessionId, "sid", TokenLimits.MaxSessionIdLength) is null ? sessionId : null;
    }

    // An array or object claim reads as missing, so the token is rejected. A number reads as its decimal text.
    private static string? ReadClaim(JsonWebToken token, string name) =>
        token.TryGetPayloadValue<string>(name, out var value) ? value : null;

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Rejected a bearer token: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information,
        Message = "Rejected token {TokenId} of user {UserId}: revoked or never registered")]
    private static partial void LogRejected(ILogger logger, string userId, string tokenId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Accepted token {TokenId} of user {UserId}")]
    private static partial void LogAccepted(ILogger logger, string userId, string tokenId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error,
        Message = "Could not check a token of user {UserId} against the revocation store; responding 503")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string userId);
}

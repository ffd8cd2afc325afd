using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansTokens.ApiHost.Auth;
using OrleansTokens.AspNetCore;

namespace OrleansTokens.ApiHost.Endpoints;

/// <summary>
/// Login and logout endpoints, at the paths of the Flask library that this sample replaces.
/// </summary>
public static class AuthEndpoints
{
    private const string LoginExample = "{\"username\": \"...\", \"password\": \"...\"}";

    private const string RefreshExample = "{\"refresh_token\": \"...\"}";

    /// <summary>Maximum accepted password length, which bounds the hashing work one request can cause.</summary>
    private const int MaxPasswordLength = 1024;

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Authentication");

        auth.MapPost("/login", LoginAsync)
            .WithMetadata(new JsonRequestBodyMetadata(typeof(LoginRequest)))
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Log in with a user name and password and receive an access token.")
            .RequireRateLimiting(ApiRateLimits.LoginPolicy)
            .AllowAnonymous();

        auth.MapPost("/refresh", RefreshAsync)
            .WithMetadata(new JsonRequestBodyMetadata(typeof(RefreshTokenRequest)))
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Exchange a refresh token for a new access and refresh token; each refresh token works once.")
            .RequireRateLimiting(ApiRateLimits.RefreshPolicy)
            .AllowAnonymous();

        auth.MapDelete("/logout", LogoutAsync)
            .WithSummary("Revoke the session of the access token that authenticates this request.")
            .RequireAuthorization();

        auth.MapDelete("/logout-from-all-devices", LogoutEverywhereAsync)
            .WithSummary("Revoke every access token of the caller.")
            .RequireAuthorization();

        app.MapGet("/protected", GetProtected)
            .WithTags("Sample")
            .WithSummary("A protected resource: 200 for a live token, 401 otherwise.")
            .RequireAuthorization();

        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, CredentialValidator credentials, TokenIssuer issuer, TimeProvider timeProvider)
    {
        var (body, error) = await JsonBody.ReadAsync<LoginRequest>(context.Request, LoginExample);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrEmpty(body!.Username) || string.IsNullOrEmpty(body.Password))
        {
            return ProblemResults.BadRequest($"Both 'username' and 'password' are required: {LoginExample}");
        }

        var userError = TokenLimits.Validate(body.Username, "username", TokenLimits.MaxUserIdLength);
        if (userError is not null)
        {
            return ProblemResults.BadRequest(userError.Replace("claim", "field", StringComparison.Ordinal));
        }

        if (body.Password.Length > MaxPasswordLength)
        {
            return ProblemResults.BadRequest($"'password' is longer than {MaxPasswordLength} characters.");
        }

        var account = credentials.Validate(body.Username, body.Password);
        if (account is null)
        {
            return TypedResults.Problem(
                "The user name or password is incorrect.",
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Invalid credentials");
        }

        var pair = await issuer.StartSessionAsync(
            body.Username,
            account.Roles,
            context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
            context.Connection.RemoteIpAddress?.ToString());
        return TypedResults.Ok(TokenResponse.From(pair, timeProvider.GetUtcNow()));
    }

    private static async Task<IResult> RefreshAsync(
        HttpContext context,
        TokenReader reader,
        CredentialValidator credentials,
        TokenIssuer issuer,
        TimeProvider timeProvider)
    {
        var (body, error) = await JsonBody.ReadAsync<RefreshTokenRequest>(context.Request, RefreshExample);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrEmpty(body!.RefreshToken))
        {
            return ProblemResults.BadRequest($"'refresh_token' is required: {RefreshExample}");
        }

        var token = await reader.ReadAsync(body.RefreshToken, validateLifetime: true);
        if (token is not { IsRefreshToken: true, SessionId: { } sessionId })
        {
            return InvalidRefreshToken("The refresh token is invalid, expired or not a refresh token.");
        }

        // A user removed from configuration can no longer refresh.
        var account = credentials.Find(token.UserId);
        var result = account is null
            ? new RefreshResult(RefreshOutcome.Rejected, null)
            : await issuer.RefreshAsync(token.UserId, sessionId, token.TokenId, account.Roles);
        return result switch
        {
            { Outcome: RefreshOutcome.Rotated or RefreshOutcome.Replayed, Tokens: { } pair } =>
                TypedResults.Ok(TokenResponse.From(pair, timeProvider.GetUtcNow())),
            { Outcome: RefreshOutcome.Reissue, Reissue: { } ids } => TypedResults.Ok(TokenResponse.From(
                issuer.SignAgain(token.UserId, sessionId, ids, account!.Roles), timeProvider.GetUtcNow())),
            { Outcome: RefreshOutcome.ReplayUnavailable } => InvalidRefreshToken(
                "The refresh token was used moments ago, and the tokens issued for it cannot be sent again "
                + "because the service restarted since; log in again."),
            { Outcome: RefreshOutcome.ReuseDetected } => InvalidRefreshToken(
                "The refresh token was already used, so it may have been copied. Its session has been revoked; "
                + "log in again."),
            _ => InvalidRefreshToken("The refresh token's session has ended; log in again."),
        };
    }

    private static IResult InvalidRefreshToken(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Invalid refresh token");

    private static async Task<Ok<MessageResponse>> LogoutAsync(HttpContext context, IGrainFactory grains)
    {
        var token = RequireToken(context);
        var user = grains.GetGrain<IUserTokensGrain>(token.UserId);
        if (token.SessionId is { } sessionId)
        {
            await user.RevokeSessionAsync(sessionId);
            return TypedResults.Ok(new MessageResponse("Logged out: this session's access and refresh tokens are revoked."));
        }

        await user.RevokeAsync(token.TokenId);
        return TypedResults.Ok(new MessageResponse("Logged out: this token has been revoked."));
    }

    private static async Task<Ok<LogoutEverywhereResponse>> LogoutEverywhereAsync(
        HttpContext context, IGrainFactory grains)
    {
        var token = RequireToken(context);
        var revoked = await grains.GetGrain<IUserTokensGrain>(token.UserId).RevokeAllAsync();
        return TypedResults.Ok(new LogoutEverywhereResponse(
            $"Logged out from all devices: {revoked} tokens revoked.", revoked));
    }

    private static Ok<ProtectedResponse> GetProtected(HttpContext context)
    {
        var token = RequireToken(context);
        return TypedResults.Ok(new ProtectedResponse($"Hello, {token.UserId}. Your token is active.", token.UserId));
    }

    // The revocation check sets the feature for every token it accepts, and these endpoints require authorization.
    internal static IRevocableTokenFeature RequireToken(HttpContext context) =>
        context.Features.Get<IRevocableTokenFeature>()
        ?? throw new InvalidOperationException("The request was authorized without passing the revocation check.");
}

/// <summary>Body of <c>POST /auth/login</c>.</summary>
public sealed record LoginRequest(
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("password")] string? Password);

/// <summary>Body of <c>POST /auth/refresh</c>.</summary>
public sealed record RefreshTokenRequest([property: JsonPropertyName("refresh_token")] string? RefreshToken);

/// <summary>Response that carries only a message.</summary>
public sealed record MessageResponse([property: JsonPropertyName("message")] string Message);

/// <summary>Response of <c>DELETE /auth/logout-from-all-devices</c>.</summary>
public sealed record LogoutEverywhereResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("revoked_tokens")] int RevokedTokens);

/// <summary>Response of <c>GET /protected</c>.</summary>
public sealed record ProtectedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("user")] string User);

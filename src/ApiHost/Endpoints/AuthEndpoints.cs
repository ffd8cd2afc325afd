using System.Text.Json;
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

    /// <summary>Maximum accepted password length, which bounds the hashing work one request can cause.</summary>
    private const int MaxPasswordLength = 1024;

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Authentication");

        auth.MapPost("/login", LoginAsync)
            .Produces<LoginResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Log in with a user name and password and receive an access token.")
            .AllowAnonymous();

        auth.MapDelete("/logout", LogoutAsync)
            .WithSummary("Revoke the access token that authenticates this request.")
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
        HttpRequest request, CredentialValidator credentials, TokenIssuer issuer)
    {
        if (!request.HasJsonContentType())
        {
            return ProblemResults.BadRequest($"Send the credentials as JSON with Content-Type application/json: {LoginExample}");
        }

        LoginRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<LoginRequest>(request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return ProblemResults.BadRequest($"The request body is not valid JSON of the form {LoginExample}.");
        }

        if (body is null || string.IsNullOrEmpty(body.Username) || string.IsNullOrEmpty(body.Password))
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

        var token = await issuer.IssueAsync(body.Username, account.Roles);
        return TypedResults.Ok(new LoginResponse(token));
    }

    private static async Task<Ok<MessageResponse>> LogoutAsync(HttpContext context, IGrainFactory grains)
    {
        var token = RequireToken(context);
        await grains.GetGrain<IUserTokensGrain>(token.UserId).RevokeAsync(token.TokenId);
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
    private static IRevocableTokenFeature RequireToken(HttpContext context) =>
        context.Features.Get<IRevocableTokenFeature>()
        ?? throw new InvalidOperationException("The request was authorized without passing the revocation check.");
}

/// <summary>Body of <c>POST /auth/login</c>.</summary>
public sealed record LoginRequest(
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("password")] string? Password);

/// <summary>Response of a successful login.</summary>
public sealed record LoginResponse([property: JsonPropertyName("access_token")] string AccessToken);

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

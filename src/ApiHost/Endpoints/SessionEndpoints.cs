using System.Text.Json.Serialization;
using OrleansTokens.ApiHost.Auth;
using OrleansTokens.AspNetCore;

namespace OrleansTokens.ApiHost.Endpoints;

/// <summary>
/// Session management for the caller (<c>/auth/sessions</c>) and for administrators (<c>/admin/users</c>).
/// </summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var own = app.MapGroup("/auth/sessions").WithTags("Sessions").RequireAuthorization();
        own.MapGet("/", ListOwnAsync)
            .WithSummary("List the caller's active sessions; the one of this request is marked current.");
        own.MapDelete("/{sessionId}", RevokeOwnAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke one of the caller's sessions: its access and refresh tokens.");

        var admin = app.MapGroup("/admin/users/{userId}").WithTags("Administration")
            .RequireAuthorization(AuthenticationSetup.AdminPolicy);
        admin.MapGet("/sessions", ListUserAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("List a user's active sessions. Requires the admin role.");
        admin.MapDelete("/sessions/{sessionId}", RevokeUserSessionAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke one session of a user. Requires the admin role.");
        admin.MapDelete("/tokens", RevokeUserTokensAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Revoke every token and session of a user. Requires the admin role.");
        return app;
    }

    private static async Task<IResult> ListOwnAsync(HttpContext context, IGrainFactory grains)
    {
        var token = AuthEndpoints.RequireToken(context);
        var sessions = await grains.GetGrain<IUserTokensGrain>(token.UserId).ListSessionsAsync();
        return TypedResults.Ok(sessions.Select(s => SessionResponse.From(s, token.SessionId)).ToList());
    }

    private static async Task<IResult> RevokeOwnAsync(string sessionId, HttpContext context, IGrainFactory grains)
    {
        var token = AuthEndpoints.RequireToken(context);
        return await RevokeSessionAsync(grains, token.UserId, sessionId);
    }

    private static async Task<IResult> ListUserAsync(string userId, IGrainFactory grains)
    {
        userId = DecodeUserId(userId);
        if (ValidateUserId(userId) is { } error)
        {
            return error;
        }

        var sessions = await grains.GetGrain<IUserTokensGrain>(userId).ListSessionsAsync();
        return TypedResults.Ok(sessions.Select(s => SessionResponse.From(s, currentSessionId: null)).ToList());
    }

    private static async Task<IResult> RevokeUserSessionAsync(string userId, string sessionId, IGrainFactory grains)
    {
        userId = DecodeUserId(userId);
        return ValidateUserId(userId) ?? await RevokeSessionAsync(grains, userId, sessionId);
    }

    private static async Task<IResult> RevokeUserTokensAsync(string userId, IGrainFactory grains)
    {
        userId = DecodeUserId(userId);
        if (ValidateUserId(userId) is { } error)
        {
            return error;
        }

        var revoked = await grains.GetGrain<IUserTokensGrain>(userId).RevokeAllAsync();
        return TypedResults.Ok(new LogoutEverywhereResponse(
            $"Revoked every token and session of '{userId}': {revoked} access tokens.", revoked));
    }

    private static async Task<IResult> RevokeSessionAsync(IGrainFactory grains, string userId, string sessionId)
    {
        if (TokenLimits.Validate(sessionId, "sessionId", TokenLimits.MaxSessionIdLength) is { } invalid)
        {
            return ProblemResults.BadRequest(invalid.Replace("claim", "path segment", StringComparison.Ordinal));
        }

        return await grains.GetGrain<IUserTokensGrain>(userId).RevokeSessionAsync(sessionId)
            ? TypedResults.Ok(new MessageResponse($"Session '{sessionId}' has been revoked."))
            : TypedResults.Problem(
                $"User '{userId}' has no active session '{sessionId}'.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Session not found");
    }

    /// <summary>
    /// Returns the <c>{userId}</c> route value with <c>%2F</c> decoded too. Routing decodes every other escape but
    /// leaves <c>%2F</c> as is, so that a slash in a value cannot make a new path segment; without this, a user
    /// id that contains a slash could not be named. A user id that contains the text <c>%2F</c> cannot be named.
    /// </summary>
    private static string DecodeUserId(string routeValue) =>
        routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static IResult? ValidateUserId(string userId) =>
        TokenLimits.Validate(userId, "userId", TokenLimits.MaxUserIdLength) is { } error
            ? ProblemResults.BadRequest(error.Replace("claim", "path segment", StringComparison.Ordinal))
            : null;
}

/// <summary>One session as the session endpoints list it.</summary>
public sealed record SessionResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("last_refreshed_at")] DateTimeOffset? LastRefreshedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("user_agent")] string? UserAgent,
    [property: JsonPropertyName("ip_address")] string? IpAddress,
    [property: JsonPropertyName("current")] bool Current)
{
    public static SessionResponse From(SessionInfo session, string? currentSessionId) => new(
        session.SessionId,
        session.CreatedAt,
        session.LastRefreshedAt,
        session.ExpiresAt,
        session.UserAgent,
        session.IpAddress,
        session.SessionId == currentSessionId);
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
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

    private static async Task<IResult> ListUserAsync(HttpContext context, IGrainFactory grains)
    {
        var userId = RawUserId(context);
        if (ValidateUserId(userId) is { } error)
        {
            return error;
        }

        var sessions = await grains.GetGrain<IUserTokensGrain>(userId).ListSessionsAsync();
        return TypedResults.Ok(sessions.Select(s => SessionResponse.From(s, currentSessionId: null)).ToList());
    }

    private static async Task<IResult> RevokeUserSessionAsync(string sessionId, HttpContext context, IGrainFactory grains)
    {
        var userId = RawUserId(context);
        return ValidateUserId(userId) ?? await RevokeSessionAsync(grains, userId, sessionId);
    }

    private static async Task<IResult> RevokeUserTokensAsync(HttpContext context, IGrainFactory grains)
    {
        var userId = RawUserId(context);
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
    /// Returns the <c>{userId}</c> path segment decoded in full. Routing leaves <c>%2F</c> encoded in route values,
    /// so a user id that contains a slash would otherwise name another grain.
    /// </summary>
    private static string RawUserId(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = string.IsNullOrEmpty(raw) ? context.Request.Path.ToUriComponent() : raw;
        var path = target.Split('?', 2)[0];
        var segments = path.Split('/');

        // The path is /admin/users/{userId}/..., so the user id is the fourth segment after the leading empty one.
        return segments.Length > 3 ? Uri.UnescapeDataString(segments[3]) : "";
    }

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

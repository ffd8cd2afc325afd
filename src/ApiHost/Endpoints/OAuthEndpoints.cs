using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;
using OrleansTokens.ApiHost.Auth;

namespace OrleansTokens.ApiHost.Endpoints;

/// <summary>
/// Token revocation (RFC 7009) and introspection (RFC 7662), so that services not written in .NET can revoke
/// and check tokens. Both require client credentials from <c>OAuth:Clients</c>.
/// </summary>
public static class OAuthEndpoints
{
    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var oauth = app.MapGroup("/oauth").WithTags("OAuth").AllowAnonymous().DisableAntiforgery();
        oauth.MapPost("/revoke", RevokeAsync)
            .WithSummary("RFC 7009 revocation: form fields token and token_type_hint; 200 even for unknown tokens.");
        oauth.MapPost("/introspect", IntrospectAsync)
            .Produces<IntrospectionResponse>()
            .WithSummary("RFC 7662 introspection: form field token; returns active and the token's claims.");
        return app;
    }

    private static async Task<IResult> RevokeAsync(
        HttpContext context,
        OAuthClientAuthenticator clients,
        ClientAuthenticationThrottle throttle,
        TokenReader reader,
        IGrainFactory grains)
    {
        var (token, error) = await ReadRequestAsync(context, clients, throttle);
        if (error is not null)
        {
            return error;
        }

        // An expired token is still revoked, so that its session ends too; an invalid one needs no action.
        var read = await reader.ReadAsync(token, validateLifetime: false);
        if (read is not null)
        {
            var user = grains.GetGrain<IUserTokensGrain>(read.UserId);
            if (read.IsRefreshToken && read.SessionId is { } sessionId)
            {
                await user.RevokeSessionAsync(sessionId);
            }
            else
            {
                await user.RevokeAsync(read.TokenId);
            }
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok();
    }

    private static async Task<IResult> IntrospectAsync(
        HttpContext context,
        OAuthClientAuthenticator clients,
        ClientAuthenticationThrottle throttle,
        TokenReader reader,
        IGrainFactory grains)
    {
        var (token, error) = await ReadRequestAsync(context, clients, throttle);
        if (error is not null)
        {
            return error;
        }

        context.Response.Headers.CacheControl = "no-store";
        var read = await reader.ReadAsync(token, validateLifetime: true);
        if (read is null)
        {
            return TypedResults.Ok(IntrospectionResponse.Inactive);
        }

        var user = grains.GetGrain<IUserTokensGrain>(read.UserId);
        var active = read.IsRefreshToken
            ? read.SessionId is { } sessionId && await user.IsRefreshTokenActiveAsync(sessionId, read.TokenId)
            : await user.IsActiveAsync(read.TokenId);
        return TypedResults.Ok(active ? IntrospectionResponse.From(read) : IntrospectionResponse.Inactive);
    }

    /// <summary>
    /// Checks the content type, the client credentials and the token field; returns the token, or the
    /// error response RFC 6749 section 5.2 defines. An address with too many failed authentications gets 429.
    /// </summary>
    private static async Task<(string? Token, IResult? Error)> ReadRequestAsync(
        HttpContext context, OAuthClientAuthenticator clients, ClientAuthenticationThrottle throttle)
    {
        context.Response.Headers.CacheControl = "no-store";

        // RFC 7009 and RFC 7662 requests are URL-encoded forms, so a multipart form gets 400.
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OAuthError(StatusCodes.Status400BadRequest, "invalid_request",
                "Send the request as application/x-www-form-urlencoded with a 'token' field."));
        }

        RequestBodyLimit.Apply(context);
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception exception) when (exception is InvalidDataException
            or (IOException and not BadHttpRequestException))
        {
            return (null, OAuthError(StatusCodes.Status400BadRequest, "invalid_request",
                $"The form could not be read: {exception.Message}"));
        }

        // RFC 6749 section 2.3 allows one authentication method per request.
        if (OAuthClientAuthenticator.UsesSeveralMethods(context.Request, form))
        {
            return (null, OAuthError(StatusCodes.Status400BadRequest, "invalid_request",
                "Send the client credentials either in the Authorization header or as form fields, not both."));
        }

        var address = ApiRateLimits.ClientAddress(context);
        if (throttle.IsBlocked(address))
        {
            return (null, new TooManyFailuresResult(throttle.Window));
        }

        if (clients.Authenticate(context.Request, form) is null)
        {
            throttle.RecordFailure(address);
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"orleans-tokens\"";
            return (null, OAuthError(StatusCodes.Status401Unauthorized, "invalid_client",
                "Client authentication failed: send a configured client id and secret with HTTP Basic or as "
                + "client_id and client_secret form fields."));
        }

        var token = form["token"];
        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            return (null, OAuthError(StatusCodes.Status400BadRequest, "invalid_request",
                "The 'token' form field is required, once."));
        }

        return (token[0], null);
    }

    private static IResult OAuthError(int status, string error, string description) =>
        TypedResults.Json(new OAuthErrorResponse(error, description), statusCode: status);

    /// <summary>The 429 response to an address that used up its failed client authentications.</summary>
    private sealed class TooManyFailuresResult(TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => ApiRateLimits
            .WriteTooManyRequestsAsync(httpContext, "failed client authentications", retryAfter)
            .AsTask();
    }
}

/// <summary>An error response of RFC 6749 section 5.2.</summary>
public sealed record OAuthErrorResponse(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string Description);

/// <summary>An introspection response of RFC 7662 section 2.2.</summary>
public sealed record IntrospectionResponse(
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("token_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenType = null,
    [property: JsonPropertyName("sub"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Subject = null,
    [property: JsonPropertyName("username"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserName = null,
    [property: JsonPropertyName("jti"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenId = null,
    [property: JsonPropertyName("sid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId = null,
    [property: JsonPropertyName("iat"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? IssuedAt = null,
    [property: JsonPropertyName("exp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresAt = null,
    [property: JsonPropertyName("iss"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Issuer = null,
    [property: JsonPropertyName("aud"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Audience = null)
{
    /// <summary>The whole response for a token that is not active: RFC 7662 says nothing more.</summary>
    public static IntrospectionResponse Inactive { get; } = new(false);

    public static IntrospectionResponse From(ReadToken token) => new(
        true,
        token.IsRefreshToken ? "refresh_token" : "access_token",
        token.UserId,
        token.UserId,
        token.TokenId,
        token.SessionId,
        token.IssuedAt.ToUnixTimeSeconds(),
        token.ExpiresAt.ToUnixTimeSeconds(),
        token.Issuer,
        token.Audiences);
}

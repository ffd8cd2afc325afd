using Microsoft.AspNetCore.Http.Features;

namespace OrleansTokens.ApiHost.Endpoints;

/// <summary>The body size limit of the token endpoints, far below the server's default of about 30 MB.</summary>
internal static class RequestBodyLimit
{
    /// <summary>
    /// Largest body that the login, refresh and OAuth endpoints read: 16 KiB, many times a login or a form
    /// with one token.
    /// </summary>
    public const long MaxBytes = 16 * 1024;

    /// <summary>
    /// Lowers the request's body size limit before the body is read, so that a larger body gets 413 instead
    /// of being read and parsed. A server without the limit feature, such as the test server, is left as is.
    /// </summary>
    public static void Apply(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = MaxBytes;
        }
    }
}

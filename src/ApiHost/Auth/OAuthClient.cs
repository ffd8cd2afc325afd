using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// A service allowed to call the revocation and introspection endpoints, bound from <c>OAuth:Clients:{id}</c>.
/// </summary>
public sealed class OAuthClient
{
    /// <summary>Configuration section whose children are the clients, keyed by client id.</summary>
    public const string SectionName = "OAuth:Clients";

    /// <summary>
    /// SHA-256 of the client secret, in hex: <c>printf %s 'secret' | sha256sum</c>. Client secrets are random
    /// machine credentials, not passwords, so a fast hash is enough and keeps per-request authentication cheap.
    /// Use a secret of at least 32 random bytes.
    /// </summary>
    public string SecretSha256 { get; set; } = "";
}

/// <summary>
/// Authenticates OAuth clients by <c>client_secret_basic</c> (HTTP Basic) or <c>client_secret_post</c>
/// (form fields), as RFC 6749 section 2.3.1 defines them.
/// </summary>
public sealed partial class OAuthClientAuthenticator(
    IOptionsMonitor<Dictionary<string, OAuthClient>> clients,
    ILogger<OAuthClientAuthenticator> logger)
{
    /// <summary>
    /// Returns whether the request carries client credentials both in a Basic header and in the form.
    /// A repeated <c>client_id</c> or <c>client_secret</c> field counts too, since RFC 6749 section 3.2 forbids
    /// repeated parameters.
    /// </summary>
    public static bool UsesSeveralMethods(HttpRequest request, IFormCollection form) =>
        form["client_id"].Count > 1
        || form["client_secret"].Count > 1
        || (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && (form.ContainsKey("client_id") || form.ContainsKey("client_secret")));

    /// <summary>Returns the authenticated client id, or null.</summary>
    public string? Authenticate(HttpRequest request, IFormCollection form)
    {
        var (clientId, secret) = ReadCredentials(request, form);
        if (clientId is null || secret is null)
        {
            return null;
        }

        if (!clients.CurrentValue.TryGetValue(clientId, out var client)
            || !TryParseHex(client.SecretSha256, out var expected))
        {
            LogFailed(logger, ForLog(clientId));
            return null;
        }

        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            LogFailed(logger, ForLog(clientId));
            return null;
        }

        return clientId;
    }

    /// <summary>
    /// Returns the client id as it may appear in a log line: control and format characters and the Unicode line
    /// and paragraph separators, which could start a forged log entry, become '?', and the id is cut to 100
    /// characters.
    /// </summary>
    public static string ForLog(string clientId)
    {
        const int MaxLength = 100;
        var prefix = clientId.Length > MaxLength ? clientId[..MaxLength] : clientId;
        return string.Create(prefix.Length, prefix, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = IsLineBreakingOrInvisible(source[i]) ? '?' : source[i];
            }
        });
    }

    private static bool IsLineBreakingOrInvisible(char character) =>
        char.GetUnicodeCategory(character) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static (string? ClientId, string? Secret) ReadCredentials(HttpRequest request, IFormCollection form)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && header.Parameter is { } parameter)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0
                    ? (null, null)
                    : (Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')),
                        Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        var id = form["client_id"];
        var secret = form["client_secret"];
        return id.Count == 1 && secret.Count == 1 ? (id[0], secret[0]) : (null, null);
    }

    private static bool TryParseHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return bytes.Length == SHA256.HashSizeInBytes;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "OAuth client {ClientId} failed to authenticate")]
    private static partial void LogFailed(ILogger logger, string clientId);
}

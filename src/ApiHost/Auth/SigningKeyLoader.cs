using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// Reads the HMAC signing key from <see cref="JwtSettings.SigningKey"/> and rejects a missing or weak one.
/// </summary>
public static class SigningKeyLoader
{
    /// <summary>Minimum key size: 256 bits, the output size of SHA-256.</summary>
    public const int MinKeyBytes = 32;

    private const string Fix =
        "Set Jwt:SigningKey (environment variable Jwt__SigningKey) to a base64-encoded random key of at least "
        + "32 bytes, for example the output of 'openssl rand -base64 32'.";

    /// <summary>
    /// Returns the configured key. In Development a missing key is replaced by a random one for this process,
    /// so tokens then do not survive a restart. Elsewhere a missing key throws.
    /// </summary>
    public static SymmetricSecurityKey Load(JwtSettings settings, bool isDevelopment, out bool generated)
    {
        generated = false;
        if (string.IsNullOrWhiteSpace(settings.SigningKey))
        {
            if (!isDevelopment)
            {
                throw new InvalidOperationException($"Jwt:SigningKey is missing. {Fix}");
            }

            generated = true;
            return new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(MinKeyBytes));
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(settings.SigningKey.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Jwt:SigningKey is not valid base64. {Fix}");
        }

        if (key.Length < MinKeyBytes)
        {
            throw new InvalidOperationException(
                $"Jwt:SigningKey is {key.Length * 8} bits long; at least {MinKeyBytes * 8} bits are required. {Fix}");
        }

        return new SymmetricSecurityKey(key);
    }
}

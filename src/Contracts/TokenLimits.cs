namespace OrleansTokens;

/// <summary>
/// Bounds on the identifiers that the revocation store accepts. A token whose <c>sub</c> or <c>jti</c>
/// breaks them is rejected before any grain is called, so a forged or malformed token cannot
/// create grains with arbitrary keys.
/// </summary>
public static class TokenLimits
{
    /// <summary>Maximum length, in UTF-16 code units, of a user id (<c>sub</c>).</summary>
    public const int MaxUserIdLength = 256;

    /// <summary>Maximum length, in UTF-16 code units, of a token id (<c>jti</c>).</summary>
    public const int MaxJtiLength = 128;

    /// <summary>Maximum length, in UTF-16 code units, of a session id (<c>sid</c>).</summary>
    public const int MaxSessionIdLength = 128;

    /// <summary>
    /// Checks a user id or token id against the limits and returns an error message,
    /// or <see langword="null"/> when the value is acceptable.
    /// </summary>
    public static string? Validate(string? value, string claimName, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"The '{claimName}' claim is missing or empty.";
        }

        if (value.Length > maxLength)
        {
            return $"The '{claimName}' claim is {value.Length} characters long; the maximum is {maxLength}.";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return $"The '{claimName}' claim contains a control character.";
            }
        }

        return null;
    }
}

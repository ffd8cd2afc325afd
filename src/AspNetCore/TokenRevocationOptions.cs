namespace OrleansTokens.AspNetCore;

/// <summary>
/// Settings of the revocation check, bound from the <c>OrleansTokens:Revocation</c> configuration section.
/// </summary>
public sealed class TokenRevocationOptions
{
    /// <summary>Configuration section that binds to this class.</summary>
    public const string SectionName = "OrleansTokens:Revocation";

    /// <summary>
    /// Value of the <c>Retry-After</c> header sent with a 503 when the revocation store cannot be reached.
    /// Default: 5 seconds.
    /// </summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Maximum time the check waits for the user's grain before it fails the request with 503.
    /// Default: 10 seconds.
    /// </summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Settings of the revocation check. <c>AddTokenRevocation</c> binds no configuration: pass them through its
/// <c>configure</c> argument, or bind <see cref="SectionName"/> as the sample API host does.
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

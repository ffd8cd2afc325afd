namespace OrleansTokens.Grains;

/// <summary>
/// Settings of the user-tokens grain, bound from the <c>OrleansTokens:Grain</c> configuration section.
/// </summary>
public sealed class UserTokensOptions
{
    /// <summary>Configuration section that binds to this class.</summary>
    public const string SectionName = "OrleansTokens:Grain";

    /// <summary>
    /// Time after a token's expiry during which it is still kept and reported active. Set it to the
    /// validator's clock skew so that a token the validator still accepts is not dropped early.
    /// Default: 5 minutes, the default clock skew of <c>TokenValidationParameters</c>.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}

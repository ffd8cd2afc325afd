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

    /// <summary>
    /// Maximum number of sessions per user; a token registered without a session counts as one. When a new
    /// one would exceed it, the oldest is revoked. Default: 100.
    /// </summary>
    public int MaxSessionsPerUser { get; set; } = 100;

    /// <summary>
    /// Time after a refresh during which presenting the redeemed refresh token again returns the same successor
    /// pair, as happens when a client retries a refresh whose response it lost. Later, it counts as reuse and
    /// revokes the session. Zero treats every second use as reuse. Default: 5 seconds.
    /// </summary>
    public TimeSpan RefreshReuseGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Maximum number of live access tokens per session. Each refresh adds one, and the oldest beyond this number
    /// are revoked, so a client that refreshes in a loop cannot grow its user's state without bound. Default: 10.
    /// </summary>
    public int MaxAccessTokensPerSession { get; set; } = 10;

    /// <summary>How often an active grain drops expired tokens and sessions from its state. Default: 5 minutes.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often each silo deletes the stored state of users whose tokens and sessions have all expired,
    /// without activating their grains. Default: 1 hour.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}

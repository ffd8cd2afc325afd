using Microsoft.Extensions.Options;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// Rejects settings that would issue unusable tokens or sign them with a missing or weak key,
/// so that the process stops at start-up with a message naming the setting to fix.
/// </summary>
public sealed class JwtSettingsValidator(IHostEnvironment environment) : IValidateOptions<JwtSettings>
{
    public ValidateOptionsResult Validate(string? name, JwtSettings options)
    {
        var failures = new List<string>();
        try
        {
            SigningKeyLoader.Load(options, environment.IsDevelopment(), out _);
        }
        catch (InvalidOperationException exception)
        {
            failures.Add(exception.Message);
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Jwt:Issuer is empty. Set it to the issuer name written into tokens.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Jwt:Audience is empty. Set it to the audience name written into tokens.");
        }

        if (options.AccessTokenLifetime <= TimeSpan.Zero)
        {
            failures.Add($"Jwt:AccessTokenLifetime is {options.AccessTokenLifetime}; set a positive time span such as 00:15:00.");
        }

        if (options.RefreshTokenLifetime <= TimeSpan.Zero)
        {
            failures.Add($"Jwt:RefreshTokenLifetime is {options.RefreshTokenLifetime}; set a positive time span such as 14.00:00:00.");
        }

        if (options.ClockSkew < TimeSpan.Zero)
        {
            failures.Add($"Jwt:ClockSkew is {options.ClockSkew}; set zero or a positive time span such as 00:00:30.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

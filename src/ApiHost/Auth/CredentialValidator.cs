using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// Checks a user name and password against the configured users.
/// </summary>
public sealed partial class CredentialValidator(
    IOptionsMonitor<Dictionary<string, UserAccount>> users,
    ILogger<CredentialValidator> logger)
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Verified when the user name is unknown, so that a miss costs the same time as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());

    /// <summary>Returns the account when the password matches, otherwise <see langword="null"/>.</summary>
    public UserAccount? Validate(string userName, string password)
    {
        if (!users.CurrentValue.TryGetValue(userName, out var account)
            || string.IsNullOrEmpty(account.PasswordHash))
        {
            Hasher.VerifyHashedPassword(userName, DummyHash, password);
            LogFailed(logger, userName);
            return null;
        }

        PasswordVerificationResult result;
        try
        {
            result = Hasher.VerifyHashedPassword(userName, account.PasswordHash, password);
        }
        catch (FormatException)
        {
            LogBadHash(logger, userName);
            return null;
        }

        if (result == PasswordVerificationResult.Failed)
        {
            LogFailed(logger, userName);
            return null;
        }

        return account;
    }

    /// <summary>Returns the configured account of <paramref name="userName"/>, or null when there is none.</summary>
    public UserAccount? Find(string userName) =>
        users.CurrentValue.TryGetValue(userName, out var account) ? account : null;

    /// <summary>Hashes a password in the format that <see cref="UserAccount.PasswordHash"/> expects.</summary>
    public static string HashPassword(string password) => Hasher.HashPassword("", password);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Login failed for user name {UserName}")]
    private static partial void LogFailed(ILogger logger, string userName);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error,
        Message = "Users:{UserName}:PasswordHash is not a valid password hash; regenerate it with hash-password")]
    private static partial void LogBadHash(ILogger logger, string userName);
}

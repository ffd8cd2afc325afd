namespace OrleansTokens.ApiHost.Auth;

/// <summary>
/// A user who may log in, bound from <c>Users:{name}</c>. The password is stored only as a hash made by
/// ASP.NET Core Identity's password hasher; create one with <c>dotnet run --no-launch-profile --project src/ApiHost -- hash-password</c>.
/// </summary>
public sealed class UserAccount
{
    /// <summary>Configuration section whose children are the users, keyed by user name.</summary>
    public const string SectionName = "Users";

    /// <summary>Password hash in ASP.NET Core Identity's format (base64, version 3: PBKDF2 with SHA-512).</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>Roles written into the user's tokens as <c>role</c> claims.</summary>
    public List<string> Roles { get; set; } = [];
}

namespace OrleansTokens.ApiHost.Tests;

/// <summary>
/// One API instance with an embedded silo and the given grain or token settings, shared by the tests of a
/// class or collection. Besides the listed users it has an admin user and an OAuth client.
/// </summary>
public abstract class ConfiguredApiFixture(
    IEnumerable<string> userNames, IReadOnlyDictionary<string, string> extraSettings) : IAsyncLifetime
{
    /// <summary>A user with the admin role and the password <see cref="ApiFactory.Password"/>.</summary>
    public const string AdminUser = "lifecycle-admin";

    /// <summary>Id of the OAuth client that the revocation and introspection endpoints accept.</summary>
    public const string ClientId = "lifecycle-client";

    /// <summary>Secret of <see cref="ClientId"/>.</summary>
    public const string ClientSecret = "lifecycle-client-secret-0123456789abcdef";

    private readonly TestDatabase _database = new();

    public ApiFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string SigningKey => Factory.SigningKey;

    public Task InitializeAsync()
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), userNames);
        ApiFactory.AddUser(settings, AdminUser, "admin");
        ApiFactory.AddOAuthClient(settings, ClientId, ClientSecret);
        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }

        Factory = new ApiFactory("Testing", settings);
        Client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        _database.Dispose();
    }
}

/// <summary>Default grain settings: a refresh reuse grace period of 5 seconds and 100 sessions per user.</summary>
public sealed class LifecycleApiFixture() : ConfiguredApiFixture(UserNames, new Dictionary<string, string>())
{
    /// <summary>Users of the tests in <see cref="LifecycleCollection"/>. Each test uses its own.</summary>
    public static readonly string[] UserNames =
    [
        "logout-refresh", "refresh-rotate", "refresh-repeat", "refresh-input", "refresh-as-bearer",
        "sessions-list", "sessions-refreshed", "sessions-delete", "sessions-unknown", "sessions-owner",
        "sessions-intruder", "admin-target", "admin-list", "admin-revoke-one", "admin-revoke-all",
        "plain-user", "introspect-access", "introspect-refresh", "introspect-revoked", "introspect-rotated",
        "introspect-unregistered", "revoke-access", "revoke-refresh", "revoke-post", "revoke-expired",
        "team/slash-user", "both-auth-methods", "bad-charset",
    ];
}

[CollectionDefinition(Name)]
public sealed class LifecycleCollection : ICollectionFixture<LifecycleApiFixture>
{
    public const string Name = "Lifecycle API";
}

/// <summary>A refresh reuse grace period of zero: every second use of a refresh token counts as reuse.</summary>
public sealed class ZeroGraceApiFixture() : ConfiguredApiFixture(
    ["zero-grace", "two-devices"],
    new Dictionary<string, string> { ["OrleansTokens:Grain:RefreshReuseGracePeriod"] = "00:00:00" });

/// <summary>A refresh reuse grace period of one second, so that a test can wait until it is over.</summary>
public sealed class ShortGraceApiFixture() : ConfiguredApiFixture(
    ["short-grace"],
    new Dictionary<string, string> { ["OrleansTokens:Grain:RefreshReuseGracePeriod"] = $"00:00:0{GraceSeconds}" })
{
    public const int GraceSeconds = 1;
}

/// <summary>At most <see cref="MaxSessions"/> sessions per user.</summary>
public sealed class SessionCapApiFixture() : ConfiguredApiFixture(
    ["session-cap"],
    new Dictionary<string, string> { ["OrleansTokens:Grain:MaxSessionsPerUser"] = MaxSessions.ToString() })
{
    public const int MaxSessions = 3;
}

/// <summary>
/// Access tokens that live one second and no clock skew in the API or the grain, so that a token expires
/// within a test.
/// </summary>
public sealed class ShortLifetimeApiFixture() : ConfiguredApiFixture(
    ["short-lifetime"],
    new Dictionary<string, string>
    {
        ["Jwt:AccessTokenLifetime"] = "00:00:01",
        ["Jwt:ClockSkew"] = "00:00:00",
        ["OrleansTokens:Grain:ClockSkew"] = "00:00:00",
    });

/// <summary>A login limit of three attempts a minute, so that a test can reach it.</summary>
public sealed class LoginLimitApiFixture() : ConfiguredApiFixture(
    ["rate-limited"],
    new Dictionary<string, string> { ["RateLimiting:Login:PermitLimit"] = "3" });

/// <summary>A refresh limit of two a minute, so that a test can reach it.</summary>
public sealed class RefreshLimitApiFixture() : ConfiguredApiFixture(
    ["refresh-limited"],
    new Dictionary<string, string> { ["RateLimiting:Refresh:PermitLimit"] = "2" });

/// <summary>A limit of two failed client authentications a minute, so that a test can reach it.</summary>
public sealed class ClientFailureLimitApiFixture() : ConfiguredApiFixture(
    ["client-limited"],
    new Dictionary<string, string> { ["RateLimiting:ClientAuthenticationFailures:PermitLimit"] = "2" });

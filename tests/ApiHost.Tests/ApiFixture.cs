namespace OrleansTokens.ApiHost.Tests;

/// <summary>
/// One API instance with an embedded silo, shared by the tests of a collection. Tests stay independent by
/// each using their own user from <see cref="UserNames"/>.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    /// <summary>User names that the shared instance accepts, each with <see cref="ApiFactory.Password"/>.</summary>
    public static readonly string[] UserNames =
    [
        "walk-through", "logout-all", "logout-twice", "logout-one", "revoked-header", "forged-key",
        "forged-none", "forged-expired", "forged-no-jti", "forged-empty-jti", "forged-no-sub",
        "forged-unregistered", "forged-control", "cross-owner", "cross-intruder", "concurrent-logins",
        "concurrent-revoke", "concurrent-count", "forged-numeric-jti", "forged-audience",
    ];

    private readonly TestDatabase _database = new();

    public ApiFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string SigningKey => Factory.SigningKey;

    public Task InitializeAsync()
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), UserNames);
        settings["Users:test:PasswordHash"] = Auth.CredentialValidator.HashPassword("test");
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

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "Shared API";
}

using System.Net;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>
/// An API in Client mode whose only silo, another API instance in Embedded mode, has been stopped after
/// the client connected. A client-mode host cannot be started with no silo at all. With the Orleans 10.4.2
/// defaults, its client retried the gateway for three minutes in a trial run before the start failed.
/// </summary>
public sealed class SiloDownFixture : IAsyncLifetime
{
    /// <summary>The <c>Retry-After</c> value, in seconds, that the client-mode API is configured with.</summary>
    public const int RetryAfterSeconds = 7;

    private readonly TestDatabase _database = new();
    private ApiFactory _silo = null!;

    public ApiFactory ClientApi { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>A token that the API accepted while the silo was up.</summary>
    public string Token { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var siloSettings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), ["silo-down"]);
        var clientSettings = new Dictionary<string, string>(siloSettings, StringComparer.OrdinalIgnoreCase)
        {
            ["OrleansTokens:Mode"] = "Client",
            ["OrleansTokens:Revocation:CheckTimeout"] = "00:00:02",
            ["OrleansTokens:Revocation:RetryAfter"] = $"00:00:0{RetryAfterSeconds}",
        };

        _silo = new ApiFactory("Testing", siloSettings);
        _silo.CreateClient().Dispose();
        ClientApi = new ApiFactory("Testing", clientSettings);
        Client = ClientApi.CreateClient();
        Token = await Client.LoginAsync("silo-down");
        if (await Client.GetProtectedStatusAsync(Token) != HttpStatusCode.OK)
        {
            throw new InvalidOperationException("The client-mode API rejected a fresh token while its silo was up.");
        }

        await _silo.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await ClientApi.DisposeAsync();
        _database.Dispose();
    }
}

public sealed class StoreUnavailableTests(SiloDownFixture fixture) : IClassFixture<SiloDownFixture>
{
    [Fact]
    public async Task Protected_SiloDownIs503WithRetryAfter()
    {
        using var response = await fixture.Client.GetProtectedAsync(fixture.Token);

        await AssertServiceUnavailableAsync(response);
    }

    [Fact]
    public async Task Login_SiloDownIs503WithRetryAfter()
    {
        using var response = await fixture.Client.PostLoginAsync("silo-down", ApiFactory.Password);

        await AssertServiceUnavailableAsync(response);
    }

    [Fact]
    public async Task Logout_SiloDownIs503WithRetryAfter()
    {
        using var response = await fixture.Client.LogoutAsync(fixture.Token);

        await AssertServiceUnavailableAsync(response);
    }

    [Fact]
    public async Task LogoutEverywhere_SiloDownIs503WithRetryAfter()
    {
        using var response = await fixture.Client.LogoutEverywhereAsync(fixture.Token);

        await AssertServiceUnavailableAsync(response);
    }

    private static async Task AssertServiceUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(SiloDownFixture.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(503, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }
}

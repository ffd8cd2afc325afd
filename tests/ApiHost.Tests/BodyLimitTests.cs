using System.Net;
using System.Text;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>
/// The token endpoints read at most 16 KiB of body. The limit is a Kestrel feature that the in-memory test
/// server lacks, so these tests run the API on Kestrel on loopback.
/// </summary>
public sealed class BodyLimitTests : IDisposable
{
    private const int Limit = 16 * 1024;

    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task OversizedBodies_Get413Problem()
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), ["body-limit"]);
        await using var factory = new ApiFactory("Testing", settings);
        factory.UseKestrel(0);
        using var client = factory.CreateClient();
        var padding = new string('a', Limit);

        using var login = await client.PostAsync("/auth/login", new StringContent(
            $$"""{"username":"body-limit","password":"{{padding}}"}""", Encoding.UTF8, "application/json"));
        using var refresh = await client.PostAsync("/auth/refresh", new StringContent(
            $$"""{"refresh_token":"{{padding}}"}""", Encoding.UTF8, "application/json"));
        using var introspect = await client.PostFormAsync("/oauth/introspect", [new("token", padding)]);
        using var smallLogin = await client.PostLoginAsync("body-limit", ApiFactory.Password);

        await login.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await refresh.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await introspect.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.OK, smallLogin.StatusCode);
    }
}

using System.Net;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>The API in Development with only appsettings.Development.json for keys and users.</summary>
public sealed class DevelopmentTests : IDisposable
{
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Development_DemoUserCanLogInAndOut()
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, "", []);
        settings.Remove("Jwt:SigningKey");
        await using var factory = new ApiFactory("Development", settings);
        using var client = factory.CreateClient();

        var token = await client.LoginAsync("test", "test");
        var statusBefore = await client.GetProtectedStatusAsync(token);
        using var logout = await client.LogoutAsync(token);
        var statusAfter = await client.GetProtectedStatusAsync(token);

        Assert.Equal(HttpStatusCode.OK, statusBefore);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, statusAfter);
    }
}

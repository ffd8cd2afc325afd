using System.Net;

namespace OrleansTokens.ApiHost.Tests;

[Collection(ApiCollection.Name)]
public sealed class WalkThroughTests(ApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Logout_RevokesTheTokenItWasSentWith()
    {
        var token = await Client.LoginAsync("test", "test");

        using var before = await Client.GetProtectedAsync(token);
        using var logout = await Client.LogoutAsync(token);
        using var after = await Client.GetProtectedAsync(token);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("test", (await before.ReadJsonAsync()).GetProperty("user").GetString());
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.True((await logout.ReadJsonAsync()).TryGetProperty("message", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Logout_RevokesOnlyTheCurrentToken()
    {
        var revoked = await Client.LoginAsync("logout-one");
        var stillActive = await Client.LoginAsync("logout-one");

        using var logout = await Client.LogoutAsync(revoked);

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(revoked));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(stillActive));
    }

    [Fact]
    public async Task LogoutEverywhere_RevokesEveryTokenOfTheUser()
    {
        var first = await Client.LoginAsync("logout-all");
        var second = await Client.LoginAsync("logout-all");
        var bystander = await Client.LoginAsync("walk-through");

        using var logout = await Client.LogoutEverywhereAsync(first);
        var body = await logout.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(2, body.GetProperty("revoked_tokens").GetInt32());
        Assert.True(body.TryGetProperty("message", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(first));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(second));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(bystander));

        var fresh = await Client.LoginAsync("logout-all");
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(fresh));
    }

    [Fact]
    public async Task Logout_TwiceWithSameTokenIs401()
    {
        var token = await Client.LoginAsync("logout-twice");

        using var first = await Client.LogoutAsync(token);
        using var second = await Client.LogoutAsync(token);
        using var everywhere = await Client.LogoutEverywhereAsync(token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, everywhere.StatusCode);
    }

    [Fact]
    public async Task Endpoints_WithoutTokenAre401()
    {
        using var protectedResponse = await Client.GetAsync("/protected");
        using var logout = await Client.DeleteAsync("/auth/logout");
        using var logoutEverywhere = await Client.DeleteAsync("/auth/logout-from-all-devices");

        Assert.Equal(HttpStatusCode.Unauthorized, protectedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, logoutEverywhere.StatusCode);
    }

    [Fact]
    public async Task OpenApiAndHealth_AreServed()
    {
        using var openApi = await Client.GetAsync("/openapi/v1.json");
        using var health = await Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.True((await openApi.ReadJsonAsync()).GetProperty("paths").TryGetProperty("/auth/login", out _));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansTokens.ApiHost.Tests;

[Collection(LifecycleCollection.Name)]
public sealed class EdgeInputTests(LifecycleApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task AdminRevokeAll_UserIdWithSlash()
    {
        var userToken = await Client.LoginAsync("team/slash-user");
        var adminToken = await Client.LoginAsync(ConfiguredApiFixture.AdminUser);

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Delete, "/admin/users/team%2Fslash-user/tokens", adminToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.ReadJsonAsync()).GetProperty("revoked_tokens").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(userToken));
    }

    [Fact]
    public async Task Introspect_BasicAndFormCredentials_IsInvalidRequest()
    {
        var token = await Client.LoginAsync("both-auth-methods");

        using var response = await Client.PostFormAsync(
            "/oauth/introspect",
            [
                new("token", token),
                new("client_id", ConfiguredApiFixture.ClientId),
                new("client_secret", ConfiguredApiFixture.ClientSecret),
            ],
            ConfiguredApiFixture.ClientId,
            ConfiguredApiFixture.ClientSecret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.ReadJsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspect_RepeatedClientId_IsInvalidRequest()
    {
        var token = await Client.LoginAsync("both-auth-methods");

        using var response = await Client.PostFormAsync(
            "/oauth/introspect",
            [
                new("token", token),
                new("client_id", ConfiguredApiFixture.ClientId),
                new("client_id", ConfiguredApiFixture.ClientId),
                new("client_secret", ConfiguredApiFixture.ClientSecret),
            ]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.ReadJsonAsync()).GetProperty("error").GetString());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData("/auth/login", """{"username":"bad-charset","password":"x"}""")]
    [InlineData("/auth/refresh", """{"refresh_token":"x"}""")]
    public async Task JsonBody_UnknownCharset_Is400(string path, string body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=bogus");

        using var response = await Client.PostAsync(path, content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}

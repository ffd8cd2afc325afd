using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>Token revocation (RFC 7009) and introspection (RFC 7662) with client authentication.</summary>
[Collection(LifecycleCollection.Name)]
public sealed class OAuthTests(LifecycleApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Introspect_LiveAccessTokenIsActive()
    {
        var tokens = await Client.LoginPairAsync("introspect-access");
        var jwt = new JsonWebToken(tokens.AccessToken);

        using var response = await Client.PostTokenAsync("/oauth/introspect", tokens.AccessToken);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("access_token", body.GetProperty("token_type").GetString());
        Assert.Equal("introspect-access", body.GetProperty("sub").GetString());
        Assert.Equal(jwt.Id, body.GetProperty("jti").GetString());
        Assert.Equal(jwt.GetPayloadValue<string>("sid"), body.GetProperty("sid").GetString());
        Assert.Equal(new DateTimeOffset(jwt.ValidTo).ToUnixTimeSeconds(), body.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Introspect_LiveRefreshTokenIsActive()
    {
        var tokens = await Client.LoginPairAsync("introspect-refresh");
        var jwt = new JsonWebToken(tokens.RefreshToken);

        using var response = await Client.PostTokenAsync("/oauth/introspect", tokens.RefreshToken);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("refresh_token", body.GetProperty("token_type").GetString());
        Assert.Equal("introspect-refresh", body.GetProperty("sub").GetString());
        Assert.Equal(jwt.Id, body.GetProperty("jti").GetString());
        Assert.Equal(new DateTimeOffset(jwt.ValidTo).ToUnixTimeSeconds(), body.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Introspect_RevokedAccessTokenIsInactive()
    {
        var tokens = await Client.LoginPairAsync("introspect-revoked");
        using var logout = await Client.LogoutAsync(tokens.AccessToken);

        using var response = await Client.PostTokenAsync("/oauth/introspect", tokens.AccessToken);

        await AssertInactiveAsync(response);
    }

    [Fact]
    public async Task Introspect_RotatedRefreshTokenIsInactive()
    {
        var first = await Client.LoginPairAsync("introspect-rotated");
        await Client.RefreshAsync(first.RefreshToken);

        using var response = await Client.PostTokenAsync("/oauth/introspect", first.RefreshToken);

        await AssertInactiveAsync(response);
    }

    [Fact]
    public async Task Introspect_GarbageIsInactive()
    {
        using var response = await Client.PostTokenAsync("/oauth/introspect", "not a token");

        await AssertInactiveAsync(response);
    }

    [Fact]
    public async Task Introspect_UnregisteredSignedTokenIsInactive()
    {
        var unregistered = TestTokens.Sign(
            TestTokens.Claims("introspect-unregistered", "never-issued"), fixture.SigningKey);

        using var response = await Client.PostTokenAsync("/oauth/introspect", unregistered);

        await AssertInactiveAsync(response);
    }

    [Fact]
    public async Task Introspect_BadClientSecretIs401()
    {
        using var response = await Client.PostFormAsync(
            "/oauth/introspect", [new("token", "x")], ConfiguredApiFixture.ClientId, "wrong-secret");

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Revoke_UnknownTokensAre200()
    {
        var unregistered = TestTokens.Sign(TestTokens.Claims("revoke-access", "never-issued"), fixture.SigningKey);

        using var garbage = await Client.PostTokenAsync("/oauth/revoke", "not a token");
        using var unknown = await Client.PostTokenAsync("/oauth/revoke", unregistered);

        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
    }

    [Fact]
    public async Task Revoke_AccessTokenRejectsIt()
    {
        var tokens = await Client.LoginPairAsync("revoke-access");
        var other = await Client.LoginPairAsync("revoke-access");

        using var response = await Client.PostTokenAsync("/oauth/revoke", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(other.AccessToken));
    }

    [Fact]
    public async Task Revoke_RefreshTokenEndsItsSession()
    {
        var tokens = await Client.LoginPairAsync("revoke-refresh");
        var other = await Client.LoginPairAsync("revoke-refresh");

        using var response = await Client.PostTokenAsync("/oauth/revoke", tokens.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(tokens.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(other.AccessToken));
    }

    [Fact]
    public async Task Revoke_ClientSecretPostWorks()
    {
        var tokens = await Client.LoginPairAsync("revoke-post");

        using var response = await Client.PostFormAsync("/oauth/revoke",
        [
            new("token", tokens.AccessToken),
            new("token_type_hint", "access_token"),
            new("client_id", ConfiguredApiFixture.ClientId),
            new("client_secret", ConfiguredApiFixture.ClientSecret),
        ]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_MissingTokenIs400InvalidRequest()
    {
        using var response = await Client.PostFormAsync(
            "/oauth/revoke", [new("token_type_hint", "access_token")],
            ConfiguredApiFixture.ClientId, ConfiguredApiFixture.ClientSecret);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    public static TheoryData<string, string?, string?> BadClients => new()
    {
        { "wrong secret", ConfiguredApiFixture.ClientId, "wrong-secret" },
        { "unknown client", "no-such-client", ConfiguredApiFixture.ClientSecret },
        { "no credentials", null, null },
    };

    [Theory]
    [MemberData(nameof(BadClients))]
    public async Task Revoke_BadClientIs401InvalidClient(string description, string? clientId, string? secret)
    {
        var tokens = await Client.LoginPairAsync("revoke-access");

        using var response = await Client.PostFormAsync(
            "/oauth/revoke", [new("token", tokens.AccessToken)], clientId, secret);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.True(
            await Client.GetProtectedStatusAsync(tokens.AccessToken) == HttpStatusCode.OK,
            $"{description}: the token was revoked");
    }

    [Fact]
    public async Task Revoke_JsonContentTypeIs400()
    {
        var tokens = await Client.LoginPairAsync("revoke-access");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/revoke")
        {
            Content = JsonContent.Create(new
            {
                token = tokens.AccessToken,
                client_id = ConfiguredApiFixture.ClientId,
                client_secret = ConfiguredApiFixture.ClientSecret,
            }),
        };

        using var response = await Client.SendAsync(request);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(tokens.AccessToken));
    }

    [Theory]
    [InlineData("/oauth/revoke", "garbage")]
    [InlineData("/oauth/introspect", "garbage")]
    [InlineData("/oauth/introspect", "--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nabc\r\n--x--\r\n")]
    public async Task Multipart_Is400InvalidRequest(string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            Encoding.UTF8.GetBytes($"{ConfiguredApiFixture.ClientId}:{ConfiguredApiFixture.ClientSecret}")));

        using var response = await Client.SendAsync(request);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ClientIdLineBreak_LoggedOnOneLine()
    {
        const string Forged = "x\ninfo: OrleansTokens.Grains.UserTokensGrain[1002] Revoked token abc of user test";

        using var response = await Client.PostFormAsync(
            "/oauth/introspect", [new("token", "abc"), new("client_id", Forged), new("client_secret", "y")]);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal(
            "x?info: OrleansTokens.Grains.UserTokensGrain[1002] Revoked token abc of user test",
            Auth.OAuthClientAuthenticator.ForLog(Forged));
        Assert.Equal(100, Auth.OAuthClientAuthenticator.ForLog(new string('a', 500)).Length);
        Assert.Equal("a?b?c?d", Auth.OAuthClientAuthenticator.ForLog("a\u2028b\u2029c\u200Bd"));
    }

    internal static async Task AssertInactiveAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("active").GetBoolean());
        Assert.Equal("active", Assert.Single(body.EnumerateObject()).Name);
    }

    private static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(error, (await response.ReadJsonAsync()).GetProperty("error").GetString());
    }
}

/// <summary>Introspection and revocation of an access token that has expired.</summary>
public sealed class OAuthExpiryTests(ShortLifetimeApiFixture fixture) : IClassFixture<ShortLifetimeApiFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Introspect_ExpiredAccessTokenIsInactive()
    {
        var tokens = await Client.LoginPairAsync("short-lifetime");
        await WaitUntilExpiredAsync(tokens.AccessToken);

        using var response = await Client.PostTokenAsync("/oauth/introspect", tokens.AccessToken);

        await OAuthTests.AssertInactiveAsync(response);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_ExpiredAccessTokenIs200()
    {
        var tokens = await Client.LoginPairAsync("short-lifetime");
        await WaitUntilExpiredAsync(tokens.AccessToken);

        using var response = await Client.PostTokenAsync("/oauth/revoke", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task WaitUntilExpiredAsync(string token)
    {
        // The exp claim has whole seconds, so wait until a second past it.
        var expiresAt = new DateTimeOffset(new JsonWebToken(token).ValidTo, TimeSpan.Zero);
        var wait = expiresAt + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }
}

/// <summary>Requests of the OAuth endpoints authenticated as the fixture's client.</summary>
internal static class OAuthClientRequests
{
    /// <summary>Posts a token to an OAuth endpoint with the fixture's client credentials in HTTP Basic.</summary>
    public static Task<HttpResponseMessage> PostTokenAsync(this HttpClient client, string path, string token) =>
        client.PostFormAsync(
            path, [new("token", token)], ConfiguredApiFixture.ClientId, ConfiguredApiFixture.ClientSecret);
}

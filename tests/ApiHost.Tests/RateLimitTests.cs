using System.Net;

namespace OrleansTokens.ApiHost.Tests;

public sealed class LoginRateLimitTests(LoginLimitApiFixture fixture) : IClassFixture<LoginLimitApiFixture>
{
    [Fact]
    public async Task Login_BeyondLimit_Gets429WithRetryAfter()
    {
        var client = fixture.Client;
        using (var wrongPassword = await client.PostLoginAsync("rate-limited", "wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        }

        await client.LoginAsync("rate-limited");
        await client.LoginAsync("rate-limited");

        using var limited = await client.PostLoginAsync("rate-limited", ApiFactory.Password);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}

public sealed class RefreshRateLimitTests(RefreshLimitApiFixture fixture) : IClassFixture<RefreshLimitApiFixture>
{
    [Fact]
    public async Task Refresh_BeyondLimit_Gets429AndKeepsSession()
    {
        var client = fixture.Client;
        var tokens = await client.LoginPairAsync("refresh-limited");
        var first = await client.RefreshAsync(tokens.RefreshToken);
        var second = await client.RefreshAsync(first.RefreshToken);

        using var limited = await client.PostRefreshAsync(second.RefreshToken);
        var body = await limited.ReadJsonAsync();

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("Too many refresh requests", body.GetProperty("title").GetString());
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", body.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, await client.GetProtectedStatusAsync(second.AccessToken));
    }
}

public sealed class ClientFailureLimitTests(ClientFailureLimitApiFixture fixture)
    : IClassFixture<ClientFailureLimitApiFixture>
{
    [Fact]
    public async Task ClientFailures_BeyondLimit_BlockAddress()
    {
        var client = fixture.Client;
        var token = await client.LoginAsync("client-limited");
        var fields = new KeyValuePair<string, string>[] { new("token", token) };

        // Successful authentications are not counted, so five of them fit in a limit of two failures.
        var successes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostTokenAsync("/oauth/introspect", token);
            successes.Add(response.StatusCode);
        }

        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var wrongSecret = await client.PostFormAsync(
                "/oauth/introspect", fields, ConfiguredApiFixture.ClientId, "wrong-secret");
            failures.Add(wrongSecret.StatusCode);
        }

        using var rightSecret = await client.PostTokenAsync("/oauth/revoke", token);

        Assert.All(successes, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], failures);
        await rightSecret.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(rightSecret.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, await client.GetProtectedStatusAsync(token));
    }
}

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

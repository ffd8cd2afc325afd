using System.Net;
using System.Text;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>Logout and refresh token rotation with the default grace period of 5 seconds.</summary>
[Collection(LifecycleCollection.Name)]
public sealed class RefreshTests(LifecycleApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Logout_RejectsAccessAndRefreshTokenAtOnce()
    {
        var tokens = await Client.LoginPairAsync("logout-refresh");

        using var logout = await Client.LogoutAsync(tokens.AccessToken);
        using var refresh = await Client.PostRefreshAsync(tokens.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(tokens.AccessToken));
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_ReturnsNewWorkingPair()
    {
        var first = await Client.LoginPairAsync("refresh-rotate");

        using var response = await Client.PostRefreshAsync(first.RefreshToken);
        var body = await response.ReadJsonAsync();
        var second = IssuedTokens.Read(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.InRange(body.GetProperty("expires_in").GetInt64(), 1, 15 * 60);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(TestTokens.ReadSessionId(first.AccessToken), TestTokens.ReadSessionId(second.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(second.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetRefreshStatusAsync(second.RefreshToken));
    }

    [Fact]
    public async Task Refresh_RepeatWithinGrace_ReturnsSamePair()
    {
        var first = await Client.LoginPairAsync("refresh-repeat");

        var rotated = await Client.RefreshAsync(first.RefreshToken);
        var repeated = await Client.RefreshAsync(first.RefreshToken);

        Assert.Equal(rotated.AccessToken, repeated.AccessToken);
        Assert.Equal(rotated.RefreshToken, repeated.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(repeated.AccessToken));
    }

    public static TheoryData<string, HttpStatusCode> BadInputs => new()
    {
        { "text content type", HttpStatusCode.BadRequest },
        { "malformed JSON", HttpStatusCode.BadRequest },
        { "JSON null", HttpStatusCode.BadRequest },
        { "missing field", HttpStatusCode.BadRequest },
        { "empty field", HttpStatusCode.BadRequest },
        { "numeric field", HttpStatusCode.BadRequest },
        { "garbage text", HttpStatusCode.Unauthorized },
        { "access token", HttpStatusCode.Unauthorized },
        { "signed with another key", HttpStatusCode.Unauthorized },
        { "oversized token", HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Refresh_BadInputIsProblemNot500(string input, HttpStatusCode expected)
    {
        var tokens = await Client.LoginPairAsync("refresh-input");
        var (contentType, body) = input switch
        {
            "text content type" => ("text/plain", $$"""{"refresh_token":"{{tokens.RefreshToken}}"}"""),
            "malformed JSON" => ("application/json", """{"refresh_token": """),
            "JSON null" => ("application/json", "null"),
            "missing field" => ("application/json", "{}"),
            "empty field" => ("application/json", """{"refresh_token":""}"""),
            "numeric field" => ("application/json", """{"refresh_token":42}"""),
            "garbage text" => ("application/json", """{"refresh_token":"not a token"}"""),
            "access token" => ("application/json", $$"""{"refresh_token":"{{tokens.AccessToken}}"}"""),
            "signed with another key" => ("application/json",
                $$"""{"refresh_token":"{{TestTokens.Resign(tokens.RefreshToken, ApiFactory.NewSigningKey())}}"}"""),
            "oversized token" => ("application/json", $$"""{"refresh_token":"{{new string('a', 10_000)}}"}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Unknown input case."),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };

        using var response = await Client.SendAsync(request);

        await response.AssertProblemAsync(expected);
        Assert.Equal(HttpStatusCode.OK, await Client.GetRefreshStatusAsync(tokens.RefreshToken));
    }

    [Fact]
    public async Task RefreshToken_AsBearerIs401()
    {
        var tokens = await Client.LoginPairAsync("refresh-as-bearer");

        using var response = await Client.GetProtectedAsync(tokens.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(tokens.AccessToken));
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>The caller's own sessions: <c>GET /auth/sessions</c> and <c>DELETE /auth/sessions/{id}</c>.</summary>
[Collection(LifecycleCollection.Name)]
public sealed class SessionTests(LifecycleApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Sessions_ListFieldsAndCurrentFlag()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var deviceA = await LoginFromAsync("sessions-list", "device-a/1.0", IPAddress.Parse("203.0.113.7"));
        var deviceB = await LoginFromAsync("sessions-list", "device-b/2.0", IPAddress.Parse("198.51.100.9"));
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        using var response = await Client.SendWithBearerAsync(HttpMethod.Get, "/auth/sessions", deviceA.AccessToken);
        var sessions = (await response.ReadJsonAsync()).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sessions.Count);
        var sessionA = Assert.Single(sessions, s => HasId(s, deviceA.AccessToken));
        var sessionB = Assert.Single(sessions, s => HasId(s, deviceB.AccessToken));
        var createdAt = sessionA.GetProperty("created_at").GetDateTimeOffset();
        Assert.InRange(createdAt, before, after);
        Assert.Equal(JsonValueKind.Null, sessionA.GetProperty("last_refreshed_at").ValueKind);
        // The expiry is rounded up to a whole second and created_at is the grain's clock a moment after the
        // token was signed, so allow some slack either way.
        Assert.InRange(
            sessionA.GetProperty("expires_at").GetDateTimeOffset() - createdAt,
            TimeSpan.FromDays(14) - TimeSpan.FromSeconds(5),
            TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1));
        Assert.Equal("device-a/1.0", sessionA.GetProperty("user_agent").GetString());
        Assert.Equal("203.0.113.7", sessionA.GetProperty("ip_address").GetString());
        Assert.True(sessionA.GetProperty("current").GetBoolean());
        Assert.Equal("device-b/2.0", sessionB.GetProperty("user_agent").GetString());
        Assert.Equal("198.51.100.9", sessionB.GetProperty("ip_address").GetString());
        Assert.False(sessionB.GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task Sessions_RefreshSetsLastRefreshedAt()
    {
        var first = await Client.LoginPairAsync("sessions-refreshed");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var second = await Client.RefreshAsync(first.RefreshToken);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        using var response = await Client.SendWithBearerAsync(HttpMethod.Get, "/auth/sessions", second.AccessToken);
        var session = Assert.Single((await response.ReadJsonAsync()).EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(session.GetProperty("last_refreshed_at").GetDateTimeOffset(), before, after);
        Assert.True(session.GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task Sessions_DeleteRevokesOnlyThatSession()
    {
        var untouched = await Client.LoginPairAsync("sessions-delete");
        var deleted = await Client.LoginPairAsync("sessions-delete");
        var deletedId = TestTokens.ReadSessionId(deleted.AccessToken);

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Delete, $"/auth/sessions/{deletedId}", untouched.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(deleted.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(deleted.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(untouched.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetRefreshStatusAsync(untouched.RefreshToken));
    }

    [Fact]
    public async Task Sessions_DeleteUnknownIdIs404Problem()
    {
        var tokens = await Client.LoginPairAsync("sessions-unknown");

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Delete, "/auth/sessions/no-such-session", tokens.AccessToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Sessions_DeleteOtherUsersSessionIs404()
    {
        var owner = await Client.LoginPairAsync("sessions-owner");
        var intruder = await Client.LoginPairAsync("sessions-intruder");

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Delete, $"/auth/sessions/{TestTokens.ReadSessionId(owner.AccessToken)}", intruder.AccessToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(owner.AccessToken));
    }

    [Fact]
    public async Task Sessions_WithoutTokenIs401()
    {
        using var response = await Client.GetAsync("/auth/sessions");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static bool HasId(JsonElement session, string accessToken) =>
        session.GetProperty("id").GetString() == TestTokens.ReadSessionId(accessToken);

    /// <summary>
    /// Logs in through the test server with a chosen client address, which an <see cref="HttpClient"/> of the
    /// test server cannot set.
    /// </summary>
    private async Task<IssuedTokens> LoginFromAsync(string userName, string userAgent, IPAddress address)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { username = userName, password = ApiFactory.Password });
        var context = await fixture.Factory.Server.SendAsync(request =>
        {
            request.Request.Method = HttpMethods.Post;
            request.Request.Path = "/auth/login";
            request.Request.ContentType = "application/json";
            request.Request.ContentLength = body.Length;
            request.Request.Body = new MemoryStream(body);
            request.Request.Headers.UserAgent = userAgent;
            request.Connection.RemoteIpAddress = address;
        });

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var document = await JsonDocument.ParseAsync(context.Response.Body);
        return IssuedTokens.Read(document.RootElement);
    }
}

/// <summary>The oldest session is revoked when a login would exceed the per-user maximum.</summary>
public sealed class SessionCapTests(SessionCapApiFixture fixture) : IClassFixture<SessionCapApiFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Login_BeyondCap_RevokesOldestSession()
    {
        var logins = new List<IssuedTokens>();
        for (var i = 0; i <= SessionCapApiFixture.MaxSessions; i++)
        {
            logins.Add(await Client.LoginPairAsync("session-cap"));
        }

        var oldest = logins[0];
        var newest = logins[^1];
        using var response = await Client.SendWithBearerAsync(HttpMethod.Get, "/auth/sessions", newest.AccessToken);
        var listed = (await response.ReadJsonAsync()).EnumerateArray()
            .Select(session => session.GetProperty("id").GetString() ?? "")
            .ToHashSet();

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(oldest.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(oldest.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(newest.AccessToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SessionCapApiFixture.MaxSessions, listed.Count);
        Assert.Equal(
            logins.Skip(1).Select(tokens => TestTokens.ReadSessionId(tokens.AccessToken)).ToHashSet(),
            listed);
    }
}

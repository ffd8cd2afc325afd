using System.Net;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>The administration endpoints under <c>/admin/users/{userId}</c>, which require the admin role.</summary>
[Collection(LifecycleCollection.Name)]
public sealed class AdminTests(LifecycleApiFixture fixture)
{
    private static readonly string TooLongUserId = new('u', TokenLimits.MaxUserIdLength + 1);

    private HttpClient Client => fixture.Client;

    public static TheoryData<string, string> AdminRequests => new()
    {
        { "GET", "/admin/users/admin-target/sessions" },
        { "DELETE", "/admin/users/admin-target/sessions/some-session" },
        { "DELETE", "/admin/users/admin-target/tokens" },
    };

    [Theory]
    [MemberData(nameof(AdminRequests))]
    public async Task Admin_NonAdminGets403(string method, string path)
    {
        var userToken = await Client.LoginAsync("plain-user");
        var target = await Client.LoginPairAsync("admin-target");

        using var response = await Client.SendWithBearerAsync(new HttpMethod(method), path, userToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(target.AccessToken));
    }

    [Theory]
    [MemberData(nameof(AdminRequests))]
    public async Task Admin_WithoutTokenGets401(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Admin_ListsUserSessions()
    {
        var adminToken = await AdminLoginAsync();
        var first = await Client.LoginPairAsync("admin-list");
        var second = await Client.LoginPairAsync("admin-list");

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Get, "/admin/users/admin-list/sessions", adminToken);
        var sessions = (await response.ReadJsonAsync()).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            new[] { first, second }.Select(tokens => TestTokens.ReadSessionId(tokens.AccessToken)).ToHashSet(),
            sessions.Select(session => session.GetProperty("id").GetString() ?? "").ToHashSet());
        Assert.All(sessions, session => Assert.False(session.GetProperty("current").GetBoolean()));
    }

    [Fact]
    public async Task Admin_RevokeSessionRejectsItsTokens()
    {
        var adminToken = await AdminLoginAsync();
        var revoked = await Client.LoginPairAsync("admin-revoke-one");
        var untouched = await Client.LoginPairAsync("admin-revoke-one");

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Delete,
            $"/admin/users/admin-revoke-one/sessions/{TestTokens.ReadSessionId(revoked.AccessToken)}",
            adminToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(revoked.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(revoked.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(untouched.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(adminToken));
    }

    [Fact]
    public async Task Admin_RevokeUnknownSessionIs404Problem()
    {
        var adminToken = await AdminLoginAsync();

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Delete, "/admin/users/admin-target/sessions/no-such-session", adminToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Admin_RevokeAllTokensRejectsEverySession()
    {
        var adminToken = await AdminLoginAsync();
        var first = await Client.LoginPairAsync("admin-revoke-all");
        var second = await Client.LoginPairAsync("admin-revoke-all");

        using var response = await Client.SendWithBearerAsync(
            HttpMethod.Delete, "/admin/users/admin-revoke-all/tokens", adminToken);
        using var listing = await Client.SendWithBearerAsync(
            HttpMethod.Get, "/admin/users/admin-revoke-all/sessions", adminToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("revoked_tokens").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(first.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(second.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(first.RefreshToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(second.RefreshToken));
        Assert.Equal(0, (await listing.ReadJsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(adminToken));
    }

    public static TheoryData<string, string> TooLongUserIdRequests => new()
    {
        { "GET", $"/admin/users/{TooLongUserId}/sessions" },
        { "DELETE", $"/admin/users/{TooLongUserId}/sessions/some-session" },
        { "DELETE", $"/admin/users/{TooLongUserId}/tokens" },
    };

    [Theory]
    [MemberData(nameof(TooLongUserIdRequests))]
    public async Task Admin_TooLongUserIdIs400Problem(string method, string path)
    {
        var adminToken = await AdminLoginAsync();

        using var response = await Client.SendWithBearerAsync(new HttpMethod(method), path, adminToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private Task<string> AdminLoginAsync() => Client.LoginAsync(ConfiguredApiFixture.AdminUser);
}

using System.Net;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>Reuse detection with a grace period of zero, where every second use of a refresh token is reuse.</summary>
public sealed class ZeroGraceRefreshTests(ZeroGraceApiFixture fixture) : IClassFixture<ZeroGraceApiFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Refresh_SecondUse_RevokesFamilyAtOnce()
    {
        var first = await Client.LoginPairAsync("zero-grace");
        var second = await Client.RefreshAsync(first.RefreshToken);

        using var reuse = await Client.PostRefreshAsync(first.RefreshToken);

        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(first.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(second.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(second.RefreshToken));
    }

    [Fact]
    public async Task Refresh_ReuseOnOneDevice_KeepsOtherDevice()
    {
        var deviceA = await Client.LoginPairAsync("two-devices");
        var deviceB = await Client.LoginPairAsync("two-devices");
        var rotatedA = await Client.RefreshAsync(deviceA.RefreshToken);

        var reuseStatus = await Client.GetRefreshStatusAsync(deviceA.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, reuseStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(rotatedA.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(rotatedA.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(deviceB.AccessToken));
        var rotatedB = await Client.RefreshAsync(deviceB.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(rotatedB.AccessToken));
    }
}

/// <summary>Reuse detection once a short grace period is over.</summary>
public sealed class ShortGraceRefreshTests(ShortGraceApiFixture fixture) : IClassFixture<ShortGraceApiFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Refresh_ReuseAfterGrace_RevokesFamily()
    {
        var first = await Client.LoginPairAsync("short-grace");
        var second = await Client.RefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(second.AccessToken));

        await Task.Delay(TimeSpan.FromSeconds(ShortGraceApiFixture.GraceSeconds + 0.5));
        using var reuse = await Client.PostRefreshAsync(first.RefreshToken);

        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(first.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(second.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetRefreshStatusAsync(second.RefreshToken));
    }
}

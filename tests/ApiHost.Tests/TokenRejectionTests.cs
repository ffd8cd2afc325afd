using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>
/// Tokens that must get 401. Each forged token copies the claims of a live token and changes one thing,
/// so the change alone explains the rejection. The control test shows that an unchanged copy passes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TokenRejectionTests(ApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task ForgedCopy_WithRealKeyIsAccepted()
    {
        var (sub, jti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-control"));

        var copy = TestTokens.Sign(TestTokens.Claims(sub, jti), fixture.SigningKey);

        Assert.Equal(HttpStatusCode.OK, await Client.GetProtectedStatusAsync(copy));
    }

    [Fact]
    public async Task RevokedToken_Gets401WithInvalidTokenChallenge()
    {
        var token = await Client.LoginAsync("revoked-header");
        using var logout = await Client.LogoutAsync(token);

        using var response = await Client.GetProtectedAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_SignedWithAnotherKeyIs401()
    {
        var (sub, jti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-key"));

        var forged = TestTokens.Sign(TestTokens.Claims(sub, jti), ApiFactory.NewSigningKey());

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Fact]
    public async Task Token_WithAlgNoneIs401()
    {
        var (sub, jti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-none"));

        var unsigned = TestTokens.Unsigned(TestTokens.Claims(sub, jti));

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(unsigned));
    }

    [Fact]
    public async Task Token_ExpiredIs401()
    {
        var (sub, jti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-expired"));
        var claims = TestTokens.Claims(sub, jti);
        var past = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10);
        claims[JwtRegisteredClaimNames.Iat] = (past - TimeSpan.FromMinutes(15)).ToUnixTimeSeconds();
        claims[JwtRegisteredClaimNames.Nbf] = (past - TimeSpan.FromMinutes(15)).ToUnixTimeSeconds();
        claims[JwtRegisteredClaimNames.Exp] = past.ToUnixTimeSeconds();

        var expired = TestTokens.Sign(claims, fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(expired));
    }

    [Fact]
    public async Task Token_WithoutJtiIs401()
    {
        var (sub, _) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-no-jti"));

        var forged = TestTokens.Sign(TestTokens.Claims(sub, jti: null), fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Fact]
    public async Task Token_WithEmptyJtiIs401()
    {
        var (sub, _) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-empty-jti"));

        var forged = TestTokens.Sign(TestTokens.Claims(sub, jti: ""), fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Fact]
    public async Task Token_WithNumericJtiIs401()
    {
        var (sub, jti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-numeric-jti"));
        var claims = TestTokens.Claims(sub, jti);
        claims[JwtRegisteredClaimNames.Jti] = 12345;

        var forged = TestTokens.Sign(claims, fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Fact]
    public async Task Token_WithoutSubIs401()
    {
        var (_, jti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-no-sub"));

        var forged = TestTokens.Sign(TestTokens.Claims(sub: null, jti), fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Fact]
    public async Task Token_WithOversizedSubIs401()
    {
        var forged = TestTokens.Sign(
            TestTokens.Claims(new string('u', TokenLimits.MaxUserIdLength + 1), "some-jti"), fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Fact]
    public async Task Token_WithUnregisteredJtiIs401()
    {
        var (sub, _) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-unregistered"));

        var forged = TestTokens.Sign(TestTokens.Claims(sub, "never-registered"), fixture.SigningKey);

        using var response = await Client.GetProtectedAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_WithOtherUsersJtiIs401()
    {
        var (_, ownersJti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("cross-owner"));
        await Client.LoginAsync("cross-intruder");

        var forged = TestTokens.Sign(TestTokens.Claims("cross-intruder", ownersJti), fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Fact]
    public async Task Token_WithWrongAudienceIs401()
    {
        var (sub, jti) = TestTokens.ReadIdentifiers(await Client.LoginAsync("forged-audience"));
        var claims = TestTokens.Claims(sub, jti);
        claims[JwtRegisteredClaimNames.Aud] = "another-api";

        var forged = TestTokens.Sign(claims, fixture.SigningKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(forged));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("")]
    public async Task Token_MalformedIs401(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/protected");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

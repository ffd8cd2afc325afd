using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansTokens.ApiHost.Tests;

[Collection(ApiCollection.Name)]
public sealed class LoginTests(ApiFixture fixture)
{
    private const string ProblemJson = "application/problem+json";

    private HttpClient Client => fixture.Client;

    public static TheoryData<string, string?, string?> BadRequests => new()
    {
        { "no body, no content type", null, null },
        { "JSON content type, empty body", "application/json", "" },
        { "text content type", "text/plain", """{"username":"test","password":"test"}""" },
        { "form content type", "application/x-www-form-urlencoded", "username=test&password=test" },
        { "malformed JSON", "application/json", """{"username": "test", "password": """ },
        { "JSON null", "application/json", "null" },
        { "JSON array", "application/json", "[]" },
        { "empty object", "application/json", "{}" },
        { "missing password", "application/json", """{"username":"test"}""" },
        { "missing username", "application/json", """{"password":"test"}""" },
        { "empty username", "application/json", """{"username":"","password":"test"}""" },
        { "numeric username", "application/json", """{"username":42,"password":"test"}""" },
        { "array password", "application/json", """{"username":"test","password":["test"]}""" },
        { "boolean password", "application/json", """{"username":"test","password":true}""" },
        { "control character in username", "application/json", """{"username":"te\u0000st","password":"test"}""" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Login_BadInputIs400Problem(string description, string? contentType, string? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType =
                contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await Client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{description}: got {response.StatusCode}");
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Login_OversizedUsernameIs400()
    {
        using var response = await Client.PostLoginAsync(new string('u', TokenLimits.MaxUserIdLength + 1), "x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Login_OversizedPasswordIs400()
    {
        using var response = await Client.PostLoginAsync("test", new string('p', 1025));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Login_WrongPasswordIs401()
    {
        using var response = await Client.PostLoginAsync("test", "not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Login_UnknownUserIs401()
    {
        using var response = await Client.PostLoginAsync("nobody-by-this-name", ApiFactory.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Login_UsernameIsCaseSensitive()
    {
        using var response = await Client.PostLoginAsync("TEST", "test");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Login_ConcurrentLoginsAllGetWorkingTokens()
    {
        const int Logins = 50;

        var tokens = await Task.WhenAll(
            Enumerable.Range(0, Logins).Select(_ => Client.LoginAsync("concurrent-logins")));
        var statuses = await Task.WhenAll(tokens.Select(Client.GetProtectedStatusAsync));

        Assert.Equal(Logins, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public void Factory_UsesItsOwnSiloPorts()
    {
        var endpoints = fixture.Factory.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;

        Assert.Equal(
            fixture.Factory.Settings["OrleansTokens:Cluster:Endpoints:SiloPort"], endpoints.SiloPort.ToString());
        Assert.Equal(
            fixture.Factory.Settings["OrleansTokens:Cluster:Endpoints:GatewayPort"], endpoints.GatewayPort.ToString());
    }
}

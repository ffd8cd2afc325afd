using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>Calls of the sample API's endpoints.</summary>
public static class ApiClient
{
    public static Task<HttpResponseMessage> PostLoginAsync(this HttpClient client, string userName, string password) =>
        client.PostAsJsonAsync("/auth/login", new { username = userName, password });

    /// <summary>Logs in and returns the access token; fails the test unless the login returns 200.</summary>
    public static async Task<string> LoginAsync(
        this HttpClient client, string userName, string password = ApiFactory.Password)
    {
        using var response = await client.PostLoginAsync(userName, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException("The login response has a null access_token.");
    }

    /// <summary>Logs in and returns both tokens. Fails the test unless the login returns 200.</summary>
    public static async Task<IssuedTokens> LoginPairAsync(this HttpClient client, string userName)
    {
        using var response = await client.PostLoginAsync(userName, ApiFactory.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return IssuedTokens.Read(await response.ReadJsonAsync());
    }

    public static Task<HttpResponseMessage> PostRefreshAsync(this HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/auth/refresh", new { refresh_token = refreshToken });

    /// <summary>
    /// Redeems a refresh token and returns the new pair. Fails the test unless the refresh returns 200.
    /// </summary>
    public static async Task<IssuedTokens> RefreshAsync(this HttpClient client, string refreshToken)
    {
        using var response = await client.PostRefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return IssuedTokens.Read(await response.ReadJsonAsync());
    }

    public static async Task<HttpStatusCode> GetRefreshStatusAsync(this HttpClient client, string refreshToken)
    {
        using var response = await client.PostRefreshAsync(refreshToken);
        return response.StatusCode;
    }

    public static Task<HttpResponseMessage> SendWithBearerAsync(
        this HttpClient client, HttpMethod method, string path, string token) =>
        client.SendAsync(WithBearer(method, path, token));

    /// <summary>
    /// Posts form fields to an OAuth endpoint, authenticated with HTTP Basic when <paramref name="clientId"/>
    /// is set.
    /// </summary>
    public static Task<HttpResponseMessage> PostFormAsync(
        this HttpClient client,
        string path,
        IEnumerable<KeyValuePair<string, string>> fields,
        string? clientId = null,
        string? clientSecret = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (clientId is not null)
        {
            var credentials = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetProtectedAsync(this HttpClient client, string token) =>
        client.SendAsync(WithBearer(HttpMethod.Get, "/protected", token));

    public static Task<HttpResponseMessage> LogoutAsync(this HttpClient client, string token) =>
        client.SendAsync(WithBearer(HttpMethod.Delete, "/auth/logout", token));

    public static Task<HttpResponseMessage> LogoutEverywhereAsync(this HttpClient client, string token) =>
        client.SendAsync(WithBearer(HttpMethod.Delete, "/auth/logout-from-all-devices", token));

    public static async Task<HttpStatusCode> GetProtectedStatusAsync(this HttpClient client, string token)
    {
        using var response = await client.GetProtectedAsync(token);
        return response.StatusCode;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Asserts that the response is a problem details document with the given status.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    private static HttpRequestMessage WithBearer(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

/// <summary>The access and refresh token of a login or refresh response.</summary>
public sealed record IssuedTokens(string AccessToken, string RefreshToken)
{
    public static IssuedTokens Read(JsonElement body) => new(
        body.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException("The response has a null access_token."),
        body.GetProperty("refresh_token").GetString()
            ?? throw new InvalidOperationException("The response has a null refresh_token."));
}

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

    private static HttpRequestMessage WithBearer(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

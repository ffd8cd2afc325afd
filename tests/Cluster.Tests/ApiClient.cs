using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansTokens.Cluster.Tests;

/// <summary>Calls the sample API of one host over real HTTP.</summary>
internal sealed class ApiClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<string> LoginAsync(string user = "test", string password = "test")
    {
        using var response = await _http.PostAsJsonAsync("/auth/login", new { username = user, password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Logs in and returns both tokens. Throws unless the login returns 200.</summary>
    public async Task<IssuedTokens> LoginPairAsync(string user, string password = "test")
    {
        using var response = await _http.PostAsJsonAsync("/auth/login", new { username = user, password });
        response.EnsureSuccessStatusCode();
        return IssuedTokens.Read(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Redeems a refresh token and returns the status, with the new tokens when it is 200.</summary>
    public async Task<(HttpStatusCode Status, IssuedTokens? Tokens)> RefreshAsync(string refreshToken)
    {
        using var response = await _http.PostAsJsonAsync("/auth/refresh", new { refresh_token = refreshToken });
        var tokens = response.StatusCode == HttpStatusCode.OK
            ? IssuedTokens.Read(await response.Content.ReadAsStringAsync())
            : null;
        return (response.StatusCode, tokens);
    }

    public Task<HttpStatusCode> GetProtectedAsync(string token) => SendAsync(HttpMethod.Get, "/protected", token);

    public Task<HttpStatusCode> LogoutAsync(string token) => SendAsync(HttpMethod.Delete, "/auth/logout", token);

    public Task<HttpStatusCode> LogoutEverywhereAsync(string token) =>
        SendAsync(HttpMethod.Delete, "/auth/logout-from-all-devices", token);

    public async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The access and refresh token of a login or refresh response.</summary>
internal sealed record IssuedTokens(string AccessToken, string RefreshToken)
{
    public static IssuedTokens Read(string json)
    {
        using var body = JsonDocument.Parse(json);
        return new IssuedTokens(
            body.RootElement.GetProperty("access_token").GetString()!,
            body.RootElement.GetProperty("refresh_token").GetString()!);
    }
}

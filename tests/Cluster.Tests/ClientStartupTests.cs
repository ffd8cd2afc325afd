using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace OrleansTokens.Cluster.Tests;

/// <summary>
/// An API host in client mode starts before any silo, serves its health endpoints and returns 503 meanwhile,
/// then serves requests once a silo comes up, and again after that silo is replaced. Both are real processes on
/// loopback with localhost clustering and SQLite storage.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientStartupTests : IDisposable
{
    private const int GatewayPort = 31951;
    private const int SiloPort = 12951;
    private const int ApiPort = 5951;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"orleans-tokens-client-{Guid.NewGuid():N}");
    private readonly List<Process> _processes = [];
    private readonly HttpClient _http = new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task ClientMode_StartsBeforeSiloAndReconnects()
    {
        Start("ApiHost", "OrleansTokens.ApiHost.dll", ApiPort);
        await WaitForStatusAsync("/health/live", HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await GetStatusAsync("/health/ready"));
        using (var login = await LoginAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            Assert.Equal("application/problem+json", login.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(login.Headers.RetryAfter);
        }

        var silo = Start("Silo", "OrleansTokens.Silo.dll", httpPort: 8951);
        await WaitForStatusAsync("/health/ready", HttpStatusCode.OK);
        using (var login = await LoginAsync())
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        // The silo goes away and a new one takes its place: the API host reconnects without a restart.
        silo.Kill();
        await silo.WaitForExitAsync();
        Start("Silo", "OrleansTokens.Silo.dll", httpPort: 8951);
        await WaitForStatusAsync("/health/ready", HttpStatusCode.OK);
        using (var login = await LoginAsync())
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        _http.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Process Start(string project, string dll, int httpPort)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", project, "bin", "Debug", "net10.0");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(folder, dll), "--urls", $"http://127.0.0.1:{httpPort}" },
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        startInfo.Environment["OrleansTokens__Mode"] = "Client";
        startInfo.Environment["OrleansTokens__Cluster__Endpoints__SiloPort"] = $"{SiloPort}";
        startInfo.Environment["OrleansTokens__Cluster__Endpoints__GatewayPort"] = $"{GatewayPort}";
        startInfo.Environment["OrleansTokens__Cluster__Storage__SqlitePath"] = Path.Combine(_folder, "tokens.db");
        var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private Task<HttpResponseMessage> LoginAsync() =>
        _http.PostAsJsonAsync("/auth/login", new { username = "test", password = "test" });

    private async Task<HttpStatusCode?> GetStatusAsync(string path)
    {
        try
        {
            using var response = await _http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task WaitForStatusAsync(string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        HttpStatusCode? status = null;
        while (DateTime.UtcNow < deadline && (status = await GetStatusAsync(path)) != expected)
        {
            await Task.Delay(250);
        }

        Assert.Equal(expected, status);
    }
}

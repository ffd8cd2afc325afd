using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>
/// Outside Development the API must not start without a strong signing key, and a busy port or an unusable
/// setting stops it with a message that names the setting. The failing cases run the built API as a separate
/// process, because its entry point turns the error into a message on standard error and exit code 1, which an
/// in-memory host does not show.
/// </summary>
public sealed class StartupValidationTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Startup_RejectsMissingSigningKey()
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, "", []);
        settings.Remove("Jwt:SigningKey");

        var (exitCode, error) = await RunApiAsync(settings);

        Assert.Equal(1, exitCode);
        Assert.Contains("Jwt:SigningKey is missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_RejectsShortSigningKey()
    {
        var shortKey = Convert.ToBase64String(new byte[31]);

        var (exitCode, error) = await RunApiAsync(ApiFactory.EmbeddedSettings(_database.FilePath, shortKey, []));

        Assert.Equal(1, exitCode);
        Assert.Contains("Jwt:SigningKey is 248 bits long", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_RejectsNonBase64SigningKey()
    {
        var (exitCode, error) = await RunApiAsync(
            ApiFactory.EmbeddedSettings(_database.FilePath, "not base64 at all!", []));

        Assert.Equal(1, exitCode);
        Assert.Contains("Jwt:SigningKey is not valid base64", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_AcceptsKeyOf256Bits()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, key, []);
        await using var factory = new ApiFactory("Production", settings);

        using var client = factory.CreateClient();
        using var health = await client.GetAsync("/health/live");

        Assert.True(health.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Startup_BusySiloPort_NamesPortSetting()
    {
        using var listener = ListenOnFreePort(out var port);
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), []);
        settings["OrleansTokens:Cluster:Endpoints:SiloPort"] = port.ToString();

        var (exitCode, error) = await RunApiAsync(settings);

        Assert.Equal(1, exitCode);
        Assert.Contains($"already listens on 127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains($"OrleansTokens:Cluster:Endpoints:SiloPort (now {port})", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondInstance_SameFileOrPort_Exits()
    {
        var running = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), []);
        await using var factory = new ApiFactory("Production", running);
        using var client = factory.CreateClient();
        using (var health = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var otherDatabase = new TestDatabase();
        var samePort = ApiFactory.EmbeddedSettings(otherDatabase.FilePath, ApiFactory.NewSigningKey(), []);
        var siloPort = running["OrleansTokens:Cluster:Endpoints:SiloPort"];
        samePort["OrleansTokens:Cluster:Endpoints:SiloPort"] = siloPort;

        var link = _database.FilePath + ".link";
        File.CreateSymbolicLink(link, _database.FilePath);

        var (sameFileExit, sameFileError) = await RunApiAsync(
            ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), []));
        var (linkExit, linkError) = await RunApiAsync(
            ApiFactory.EmbeddedSettings(link, ApiFactory.NewSigningKey(), []));
        var (samePortExit, samePortError) = await RunApiAsync(samePort);

        Assert.Equal(1, sameFileExit);
        Assert.Contains($"The SQLite database '{_database.FilePath}' is in use by another process", sameFileError, StringComparison.Ordinal);
        Assert.Contains("OrleansTokens:Cluster:Storage:SqlitePath", sameFileError, StringComparison.Ordinal);
        Assert.Equal(1, linkExit);
        Assert.Contains($"The SQLite database '{link}' is in use by another process", linkError, StringComparison.Ordinal);
        Assert.Equal(1, samePortExit);
        Assert.Contains($"already listens on 127.0.0.1:{siloPort}", samePortError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", sameFileError + samePortError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_BusyHttpPort_NamesUrlsSetting()
    {
        using var listener = ListenOnFreePort(out var port);
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), []);

        var (exitCode, error) = await RunApiAsync(settings, $"http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"Could not listen for HTTP: Failed to bind to address http://127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("--urls", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_UnusableSqlitePaths_NameTheFix()
    {
        var notADatabase = _database.FilePath + ".txt";
        await File.WriteAllTextAsync(notADatabase, "this is not a SQLite database, it is plain text of some length");
        var underAFile = Path.Combine(notADatabase, "tokens.db");

        var (emptyExit, emptyError) = await RunWithSqlitePathAsync(" ");
        var (corruptExit, corruptError) = await RunWithSqlitePathAsync(notADatabase);
        var (folderExit, folderError) = await RunWithSqlitePathAsync(underAFile);

        Assert.Equal(1, emptyExit);
        Assert.Contains("OrleansTokens:Cluster:Storage:SqlitePath is empty", emptyError, StringComparison.Ordinal);
        Assert.Contains("OrleansTokens__Cluster__Storage__SqlitePath", emptyError, StringComparison.Ordinal);
        Assert.Equal(1, corruptExit);
        Assert.Contains("not a usable SQLite database", corruptError, StringComparison.Ordinal);
        Assert.Contains("Move that file away", corruptError, StringComparison.Ordinal);
        Assert.Equal(1, folderExit);
        Assert.Contains($"({underAFile}), which cannot be used", folderError, StringComparison.Ordinal);
        Assert.Contains("a folder that this process can create and write", folderError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RateLimiting:Refresh:Window", "2.00:00:00")]
    [InlineData("RateLimiting:Login:PermitLimit", "0")]
    [InlineData("RateLimiting:ClientAuthenticationFailures:Window", "-00:01:00")]
    public async Task Startup_BadRateLimit_NamesSetting(string key, string value)
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), []);
        settings[key] = value;

        var (exitCode, error) = await RunApiAsync(settings);

        Assert.Equal(1, exitCode);
        Assert.Contains(key[..key.LastIndexOf(':')] + " has PermitLimit", error, StringComparison.Ordinal);
        Assert.Contains("at most 1.00:00:00", error, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Error)> RunWithSqlitePathAsync(string path)
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, ApiFactory.NewSigningKey(), []);
        settings["OrleansTokens:Cluster:Storage:SqlitePath"] = path;
        return RunApiAsync(settings);
    }

    /// <summary>Listens on a free loopback port, as another process would, until the listener is disposed.</summary>
    private static TcpListener ListenOnFreePort(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>
    /// Runs the API from the test output folder in Production with <paramref name="settings"/> as command-line
    /// settings, and returns its exit code and standard error once it stops.
    /// </summary>
    private static async Task<(int ExitCode, string Error)> RunApiAsync(
        Dictionary<string, string> settings, string urls = "http://127.0.0.1:0")
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(Path.Combine(folder, "OrleansTokens.ApiHost.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(urls);
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("Jwt__SigningKey");

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("Starting the API process with 'dotnet' failed.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"The API did not exit within {StartTimeout}, although its settings are invalid.");
        }

        await output;
        return (process.ExitCode, await error);
    }
}

using System.Diagnostics;

namespace OrleansTokens.Cluster.Tests;

/// <summary>
/// A silo whose PostgreSQL connection string is unusable exits with one message instead of an unhandled
/// exception, and never prints the password.
/// </summary>
public sealed class SiloStartupTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> ConnectionStrings => new()
    {
        {
            "Host=127.0.0.1;Port=1;Username=orleans;Password=secret-in-test;Database=tokens;Timeout=5",
            "Could not use PostgreSQL: Failed to connect to 127.0.0.1:1"
        },
        {
            "Host=127.0.0.1;Port=1;Username=orleans;Password=secret;in-test=x;Database=tokens",
            "ConnectionStrings:OrleansTokens is not a valid Npgsql connection string"
        },
        {
            "Host=127.0.0.1;Port=secret-in-test;Username=orleans",
            "ConnectionStrings:OrleansTokens is not a valid Npgsql connection string"
        },
    };

    [Theory]
    [MemberData(nameof(ConnectionStrings))]
    public async Task Silo_BadDatabase_ExitsWithMessage(string connectionString, string expected)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", "Silo", "bin", "Debug", "net10.0");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(folder, "OrleansTokens.Silo.dll"), "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.Environment["OrleansTokens__Cluster__Clustering__Provider"] = "AdoNet";
        startInfo.Environment["OrleansTokens__Cluster__Storage__Provider"] = "PostgreSql";
        startInfo.Environment["ConnectionStrings__OrleansTokens"] = connectionString;

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The silo did not exit within {ExitTimeout} without a usable database.");
        }

        var standardError = await error;
        var standardOutput = await output;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains(expected, standardError, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:OrleansTokens", standardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", standardError, StringComparison.Ordinal);
        Assert.DoesNotContain("in-test", standardError + standardOutput, StringComparison.OrdinalIgnoreCase);
    }
}
